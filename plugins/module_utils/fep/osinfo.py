"""Operating-system facts: which distribution, domestic or not, server or not.

Classification reads ``os-release`` directly: ansible-core's distribution
facts map UOS to the Debian family (and ``apt``) on RPM systems and report
Kylin's major version as the string ``V10``.  ``os-release`` is searched
where os-release(5) says (``/etc`` then ``/usr/lib``); the vendors' own
``*-release`` one-liners are a last resort for trimmed systems.

Pure functions over text and dicts, plus ``gather_os`` which does its I/O
through a ``SysReader``.  Standard library only, Python 3.6+.
"""
import re

from .domestic import OTHER_DOMESTIC_OS, os_category

OS_RELEASE_PATHS = ("etc/os-release", "usr/lib/os-release")

# vendor release files: (path, os-release ID they stand for)
VENDOR_RELEASE_FILES = (
    ("etc/kylin-release", "kylin"),
    ("etc/openEuler-release", "openEuler"),
    ("etc/uos-release", "uos"),
)

# UOS Server 20 RPM editions by PLATFORM_ID and by codename: (letter, base)
UOS_SERVER_EDITIONS = {
    "platform:uelc20": ("a", "Anolis based"), "kongzi": ("a", "Anolis based"),
    "platform:uel20": ("e", "openEuler based"), "fuyu": ("e", "openEuler based"),
}

KYLIN_V10_RELEASES = {
    "tercel": "SP1", "sword": "SP2", "lance": "SP3", "halberd": "SP3-2403",
}

RPM_IDS = frozenset([
    "kylin", "openeuler", "anolis", "opencloudos", "tencentos", "bclinux",
    "ctyunos", "euleros", "hce", "fusionos", "kylinsec", "alinux",
    "neokylin", "centos", "rhel", "rocky", "almalinux", "ol", "fedora", "amzn",
])
# distributions that switched to dnf before any release we can meet
DNF_IDS = frozenset(["openeuler", "fedora", "hce", "fusionos"])
DEB_IDS = frozenset(["debian", "ubuntu", "linuxmint", "deepin", "openkylin"])
ZYPPER_IDS = frozenset(["sles", "sled", "opensuse", "opensuse-leap",
                        "opensuse-tumbleweed"])


def parse_os_release(text):
    """Dict of an os-release file: shell-style quoting, comments ignored."""
    fields = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            continue
        fields[key] = _shell_value(value)
    return fields


def _shell_value(text):
    """Value of a shell assignment: quotes removed, backslash escapes applied.

    Hand-rolled rather than ``shlex``: inside double quotes the shell (and
    os-release(5)) unescapes ``\\$``, which ``shlex`` leaves alone.  An
    unbalanced quote keeps what was read instead of losing the field.
    """
    out, quote, index, text = [], None, 0, text.strip()
    while index < len(text):
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                out.append(char)
        elif char == "\\" and index + 1 < len(text) and (
                quote is None or text[index + 1] in "$`\"\\"):
            index += 1
            out.append(text[index])
        elif char == '"' and quote == '"':
            quote = None
        elif char in "'\"" and quote is None:
            quote = char
        else:
            out.append(char)
        index += 1
    return "".join(out)


def parse_release_line(text, os_id):
    """os-release-like fields from a ``<name> release <version> (<codename>)`` line."""
    line = (text or "").strip().splitlines()
    line = line[0].strip() if line else ""
    match = re.match(r"^(.*?)\s+release\s+(\S*\d\S*)(?:\s*\((.*)\))?", line)
    if not match:
        return {}
    name, version_id, codename = match.groups()
    version = f"{version_id} ({codename})" if codename else version_id
    return {
        "NAME": name, "ID": os_id, "VERSION_ID": version_id,
        "VERSION": version, "PRETTY_NAME": line,
    }


def _major(version_id):
    match = re.match(r"^\D*(\d+)", version_id or "")
    return int(match.group(1)) if match else None


def _package_manager(os_id, fields, hint):
    """``(pkg_mgr_family, pkg_mgr)``; ``hint`` ("deb"/"dnf") from the edition."""
    id_like = fields.get("ID_LIKE", "").lower().split()
    if hint == "deb" or os_id in DEB_IDS or "debian" in id_like or "ubuntu" in id_like:
        return "deb", "apt"
    if os_id in ZYPPER_IDS or "suse" in id_like:
        return "rpm", "zypper"
    # PLATFORM_ID came with dnf's modularity (EL8, openEuler, UOS Server 20 …)
    if hint == "dnf" or fields.get("PLATFORM_ID") or os_id in DNF_IDS:
        return "rpm", "dnf"
    if os_id not in RPM_IDS and not set(id_like) & {"rhel", "fedora", "centos"}:
        return None, None
    major = _major(fields.get("VERSION_ID"))
    if os_id in ("kylin", "neokylin"):
        return "rpm", "dnf" if major is not None and major >= 10 else "yum"
    return "rpm", "dnf" if major is not None and major >= 8 else "yum"


def _codename(fields, lower_id):
    if fields.get("VERSION_CODENAME"):
        return fields["VERSION_CODENAME"]
    # openEuler's parentheses hold the support term ("LTS-SP3"), not a name
    match = re.search(r"\(([^)]*)\)", fields.get("VERSION", ""))
    return match.group(1).strip() if match and lower_id != "openeuler" else None


def _kylin(fields, codename):
    text = " ".join([fields.get("NAME", ""), fields.get("PRETTY_NAME", ""),
                     fields.get("VERSION_US", "")]).lower()
    if "server" in text:
        release = KYLIN_V10_RELEASES.get((codename or "").lower())
        note = f"Kylin Linux Advanced Server {fields.get('VERSION_ID', '')}"
        if release:
            note += f" {release} ({codename})"
        return True, None, note.strip()
    if "desktop" in text or "debian" in fields.get("ID_LIKE", "").lower():
        return False, "deb", "Kylin desktop edition (Debian based): not a server edition"
    return None, None, "Kylin edition not stated in os-release"


def _openeuler(fields):
    # "22.03 (LTS-SP3)", or "22.03 LTS" without parentheses on one GA build
    version = fields.get("VERSION", "")
    match = re.match(r"^\s*([\d.]+)\s*\(?\s*([^)]*?)\s*\)?\s*$", version)
    if match and match.group(2):
        note = "openEuler {} {}".format(match.group(1), match.group(2).replace(" ", "-"))
    else:
        note = "openEuler {}".format((version or fields.get("VERSION_ID", "")).strip())
    return True, note


def _uos(fields, codename):
    text = " ".join([fields.get("NAME", ""), fields.get("PRETTY_NAME", "")]).lower()
    if "desktop" in text:
        return False, "deb", "UOS desktop edition: not a server edition"
    # the RPM based Server 20 editions, known by platform or by codename
    edition = (UOS_SERVER_EDITIONS.get(fields.get("PLATFORM_ID", "").lower())
               or UOS_SERVER_EDITIONS.get((codename or "").lower()))
    if edition:
        letter, base = edition
        note = "UOS Server {} {}-edition ({}, {})".format(
            fields.get("VERSION_ID", ""), letter, base, codename or "no codename")
        return True, "dnf", note
    if "server" in text:
        # the early Debian based server editions (Enterprise-C) carry neither
        return True, "deb", "UOS Server without PLATFORM_ID (Debian based edition)"
    return None, None, "UOS edition not stated in os-release"


def classify_os(fields):
    """Classify the distribution described by os-release ``fields``."""
    fields = fields or {}
    os_id = fields.get("ID", "").strip()
    lower_id = os_id.lower()
    codename = _codename(fields, lower_id)
    result = {
        "name": fields.get("NAME"), "version": fields.get("VERSION"),
        "version_id": fields.get("VERSION_ID"), "id": os_id or None,
        "pretty_name": fields.get("PRETTY_NAME"), "codename": codename,
        "platform_id": fields.get("PLATFORM_ID"), "category": "unknown",
        "server_edition": None, "pkg_mgr_family": None, "pkg_mgr": None,
        "edition_note": None,
    }
    if not os_id:
        result["edition_note"] = "no ID in os-release"
        return result

    hint = None
    category = os_category(lower_id)
    if category == "kylin":
        server, hint, note = _kylin(fields, codename)
    elif category == "openeuler":
        server, note = _openeuler(fields)
    elif category == "uos":
        server, hint, note = _uos(fields, codename)
    elif category == "other_domestic":
        server, note = OTHER_DOMESTIC_OS[lower_id], None
    elif category == "non_domestic":
        server, note = None, None
    else:
        server, note = None, f"ID {os_id!r} is not a distribution this audit knows"

    family, manager = _package_manager(lower_id, fields, hint)
    result.update({
        "category": category, "server_edition": server,
        "pkg_mgr_family": family, "pkg_mgr": manager, "edition_note": note,
    })
    return result


def gather_os(reader):
    """OS facts of the host or snapshot behind ``reader``."""
    fields, source = {}, None
    for rel in OS_RELEASE_PATHS:
        text = reader.read_text(rel)
        if text is not None:
            fields, source = parse_os_release(text), "/" + rel
            break
    else:
        for rel, os_id in VENDOR_RELEASE_FILES:
            parsed = parse_release_line(reader.read_text(rel), os_id)
            if parsed:
                fields, source = parsed, "/" + rel
                break
    if source is None:
        reader.mark_unknown("os", "no /etc/os-release, /usr/lib/os-release or"
                            " vendor release file")

    facts = classify_os(fields)
    facts["source"] = source
    for key, rel in (("kernel", "proc/sys/kernel/osrelease"),
                     ("hostname", "proc/sys/kernel/hostname")):
        facts[key] = reader.read_value(rel) or None
        if facts[key] is None:
            reader.mark_unknown("os." + key, f"/{rel} is missing or empty")
    return facts
