"""Write a CPU fixture into a snapshot root: procfs files and the sysfs topology.

``tests/fixtures/cpu/<case>/`` holds a ``cpuinfo`` and a ``meta.json`` with
the true ``arch``, ``sockets``, ``cores_per_socket`` and ``threads_per_core``.
The sysfs tree is built the way the kernel lays it out:

* x86 and LoongArch: package and core ids are the ones the fixture's
  ``cpuinfo`` prints, so both sources agree as on a real machine;
* arm64 and sw_64 (no ids in ``cpuinfo``): CPUs are numbered socket by
  socket, core by core, threads adjacent.  ``meta["sysfs"]`` gives the
  package ids, which on ACPI PPTT firmware are table offsets (Kunpeng shows
  ids such as 36 and 3644), and ``cluster_size``: ``core_id`` restarts in
  every cluster as on those systems, so counting distinct
  ``(physical_package_id, core_id)`` pairs comes out far too low there.

The parsing here is deliberately independent of ``fep.cpu``: a fixture tree
must not be built with the code it is meant to test.
"""
import json
import shutil
from pathlib import Path

from tests.builders.devices import write_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cpu"


def load_meta(case_name):
    return json.loads((FIXTURES / case_name / "meta.json").read_text())


def cpu_list(cpus):
    """Kernel cpu-list text: ``0-3,8`` style ranges."""
    ranges, cpus = [], sorted(cpus)
    start = previous = cpus[0]
    for cpu in cpus[1:] + [None]:
        if cpu is not None and cpu == previous + 1:
            previous = cpu
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if cpu is not None:
            start = previous = cpu
    return ",".join(ranges)


def _cpuinfo_ids(text):
    """``[(package, core)]`` per processor from x86/LoongArch cpuinfo, else None."""
    ids, block = [], {}
    for line in text.splitlines() + [""]:
        if not line.strip():
            if "processor" in block:
                package = block.get("physical id", block.get("package"))
                core = block.get("core id", block.get("core"))
                if package is None or core is None:
                    return None
                ids.append((int(package), int(core)))
            block = {}
            continue
        key, _, value = line.partition(":")
        block[key.strip().lower()] = value.strip()
    return ids


def layout(case_name):
    """Per logical CPU: ``(core_key, package_id, core_id)``.

    ``core_key`` identifies the physical core (threads of one core share it),
    independent of how the firmware numbers ``core_id``.
    """
    meta = load_meta(case_name)
    ids = _cpuinfo_ids((FIXTURES / case_name / "cpuinfo").read_text())
    if ids:
        return [((package, core), package, core) for package, core in ids]
    hints = meta.get("sysfs", {})
    package_ids = hints.get("package_ids") or list(range(meta["sockets"]))
    cluster = hints.get("cluster_size")
    cpus = []
    for socket in range(meta["sockets"]):
        for core in range(meta["cores_per_socket"]):
            core_id = core % cluster if cluster else core
            for _thread in range(meta["threads_per_core"]):
                cpus.append(((socket, core), package_ids[socket], core_id))
    return cpus


def write_sysfs_topology(root, cpus):
    """``sys/devices/system/cpu`` for ``cpus`` as returned by :func:`layout`."""
    base = Path(root) / "sys/devices/system/cpu"
    by_core, by_package = {}, {}
    for number, (core_key, package, _core_id) in enumerate(cpus):
        by_core.setdefault(core_key, []).append(number)
        by_package.setdefault(package, []).append(number)
    everything = cpu_list(range(len(cpus))) + "\n"
    for name in ("online", "possible", "present"):
        write_file(base / name, everything)
    for number, (core_key, package, core_id) in enumerate(cpus):
        topology = base / f"cpu{number}" / "topology"
        siblings = cpu_list(by_core[core_key]) + "\n"
        package_cpus = cpu_list(by_package[package]) + "\n"
        files = {
            "physical_package_id": f"{package}\n",
            "core_id": f"{core_id}\n",
            "thread_siblings_list": siblings,
            "core_cpus_list": siblings,
            "core_siblings_list": package_cpus,
            "package_cpus_list": package_cpus,
        }
        for name, text in files.items():
            write_file(topology / name, text)
        if number:
            # cpu0 cannot be hot-unplugged on most platforms and has no "online"
            write_file(base / f"cpu{number}" / "online", "1\n")


def write_cpu_snapshot(root, case_name, with_sysfs=True, with_arch_file=True):
    """Copy fixture ``case_name`` into snapshot ``root``; return its meta dict."""
    root = Path(root)
    meta = load_meta(case_name)
    (root / "proc").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(str(FIXTURES / case_name / "cpuinfo"), str(root / "proc" / "cpuinfo"))
    if with_arch_file:
        write_file(root / "proc/sys/kernel/arch", meta["arch"] + "\n")
    if with_sysfs:
        write_sysfs_topology(root, layout(case_name))
    return meta
