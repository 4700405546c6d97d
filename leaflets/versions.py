"""The installed versions of the libraries leaflets uses, for the manifest and the caches' keys.

``importlib.metadata.version`` parses each distribution's METADATA with the ``email``
package (about 2 ms a library and 10 ms of imports, a tenth of a cold one-card build). An
installed wheel's version is also in the name of its ``.dist-info`` folder, which the wheel
format fixes as ``{name}-{version}.dist-info``: each folder of ``sys.path`` is listed once,
and the first folder that has the library answers, as importlib.metadata would. A library
found no other way (an egg-info or a development install) is asked of importlib.metadata.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from . import __version__

NOT_INSTALLED = "not installed"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _listing(folder: str) -> dict[str, str]:
    """The installs of one folder: normalised name -> version ("" for an egg-info install,
    whose folder name need not carry its version)."""
    out: dict[str, str] = {}
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return out
    for entry in names:
        if entry.endswith(".dist-info"):
            name, sep, version = entry[: -len(".dist-info")].rpartition("-")
            if sep and name and version:
                out.setdefault(_normal(name), version)
        elif entry.endswith(".egg-info"):
            out.setdefault(_normal(entry[: -len(".egg-info")].split("-")[0]), "")
    return out


@cache
def version(name: str) -> str:
    """The installed version of distribution `name`, or NOT_INSTALLED."""
    want = _normal(name)
    for folder in sys.path:
        if isinstance(folder, str) and os.path.isdir(folder or "."):
            found = _listing(folder).get(want)
            if found:
                return found
            if found == "":
                break
    # imported here to keep start-up fast: only an install that is not a wheel's needs it
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED


@cache  # a module's source and a library's version do not change while a process runs
def code_digest(modules: tuple[str, ...], libraries: tuple[str, ...] = ()) -> str:
    """A hash of what a cached result of `modules` is made by: leaflets' and Python's versions,
    the source of each module (found, not imported) and the installed version of each of
    `libraries`. Any change to one of them gives another hash, so another cache key."""
    h = hashlib.sha256(f"leaflets={__version__}|{sys.version}".encode())
    for name in libraries:
        h.update(f"|{name}={version(name)}".encode())
    for name in modules:
        h.update(b"|" + name.encode() + b"\0" + Path(find_spec(name).origin).read_bytes())
    return h.hexdigest()
