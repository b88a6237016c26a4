# -*- coding: utf-8 -*-
"""Files and folders of the reports, readable by their owner only.

results.json, the reports and the survey forms hold hospital data (names,
contacts): folders are created mode 0700 and files 0600, by one writer.
"""
import contextlib
import os
import tempfile


def private_dir(path):
    """Create ``path`` (and parents) mode 0700; an existing folder is left as it is."""
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def write_private(path, content):
    """Write ``content`` (text, as UTF-8, or bytes) to ``path``, mode 0600; returns ``path``.

    The data is written into a temporary file that mkstemp creates 0600 in
    the same directory, then renamed over ``path``: no moment exists where
    the content is readable by others, and a crash leaves no half file.
    """
    if isinstance(content, str):
        content = content.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".fep-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path
