"""Files: where the package's data is, where caches go, and writing a file so that it is
either the old one or the whole new one.

Package data (the registry, guides, example config, fonts and catalogs) is read through
``importlib.resources``. In a wheel the build has put ``fonts/`` and ``locales/`` inside the
package (``leaflets/data/fonts``, ``leaflets/data/locales``, see pyproject.toml); in a checkout
(or an editable install) they are the repository's own top-level folders, where translators
and font maintainers edit them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .errors import OutputError, ProblemsError, SourceError, UsageError

try:
    import fcntl
except ImportError:  # Windows locks files with msvcrt
    fcntl = None
    import msvcrt

_REPO = Path(__file__).resolve().parent.parent  # a checkout's top level
MANIFEST = "manifest.json"  # a build folder's record of its files (build writes, verify reads)
PREVIEW_DIR = "previews"  # the preview gallery's thumbnails, under a build folder


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date when set, so that a release build is repeatable."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch[:40]!r}: give the time as whole seconds since 1970"
        ) from None


def latest_real_date() -> dt.date:
    """The latest date that is not in the future anywhere on Earth (today in UTC+14): what a
    recorded check or review may be dated, whatever SOURCE_DATE_EPOCH says."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()


def data_path(*parts: str) -> Path:
    """A file or folder of the package's data (``data_path("guides", "us.toml")``)."""
    return Path(str(resources.files("leaflets").joinpath("data", *parts)))


def data_folder(name: str) -> Path:
    """``fonts`` or ``locales``: inside the installed package, or the checkout's own folder
    (a checkout or editable install: the repository's pyproject.toml is beside it)."""
    packaged = data_path(name)
    if packaged.is_dir() or not (_REPO / "pyproject.toml").is_file():
        return packaged
    return _REPO / name


def user_cache_dir() -> Path | None:
    """This user's cache folder for leaflets (converted font faces), as the platform has it:
    ``LEAFLETS_CACHE`` if set, else ``%LOCALAPPDATA%`` on Windows, ``~/Library/Caches`` on
    macOS and ``$XDG_CACHE_HOME`` or ``~/.cache`` elsewhere; None when there is no home at
    all. Nothing here needs to exist: callers fall back to memory when it cannot be written."""
    if os.environ.get("LEAFLETS_CACHE"):
        return Path(os.environ["LEAFLETS_CACHE"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin" and os.environ.get("HOME"):
        base = Path(os.environ["HOME"]) / "Library" / "Caches"
    elif os.environ.get("XDG_CACHE_HOME"):
        base = Path(os.environ["XDG_CACHE_HOME"])
    else:
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no HOME and no passwd entry (a container's user)
            return None
    return base / "leaflets"


# ----------------------------------------------------------------------------- the cache

# An entry of the user's cache is one file: a first line "leaflets-cache 1 <key> <sha256 of
# the rest>", then its bytes. The key is a hash of every input the entry was made from; an
# entry whose first line does not name the key asked for, or whose bytes do not hash to what
# the line says (truncated, damaged, swapped), is not used: the caller makes it again.
_CACHE_MAGIC = b"leaflets-cache 1"


def _cache_entry(kind: str, key: str) -> Path | None:
    base = user_cache_dir()
    if base is None or not re.fullmatch(r"[a-z]+", kind) or not re.fullmatch(r"[0-9a-f]{64}", key):
        return None
    return base / kind / f"{key[:32]}.entry"


def cache_get(kind: str, key: str) -> bytes | None:
    """The bytes cached under `key` (a SHA-256 in hex) in the `kind` folder of the user's
    cache, or None when there is none, it cannot be read, or it is not whole and exactly the
    entry of this key."""
    # imported here to keep start-up fast: --help and most commands never read the cache
    import hashlib

    path = _cache_entry(kind, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            raw = f.read(64 * 1024 * 1024 + 1)
    except OSError:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep:
        return None
    want = b" ".join((_CACHE_MAGIC, key.encode(), hashlib.sha256(body).hexdigest().encode()))
    return body if head == want else None


def cache_put(kind: str, key: str, data: bytes) -> None:
    """Keep `data` under `key`; a cache that cannot be written (read-only, full, no home) is
    no error: the caller has its result in memory and the next run makes it again."""
    # imported here to keep start-up fast: --help and most commands never write the cache
    import hashlib

    path = _cache_entry(kind, key)
    if path is None:
        return
    head = b" ".join((_CACHE_MAGIC, key.encode(), hashlib.sha256(data).hexdigest().encode()))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(head + b"\n" + data)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:  # written and renamed, or not at all (a full disk, Ctrl-C): no temporary left
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _umask() -> int:
    """The process's umask: from /proc where there is one (reading it there changes nothing,
    so threads are safe), else by setting it and putting it back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and an atomic rename. The file gets the
    permissions any new file of the user's gets (0666 less the umask), not the temporary
    file's private 0600, so a web server can serve a gallery."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# The temporary files write_atomic makes are ``.<name>.<8 random characters>.leaflets-tmp``
# beside the file they become: a name nobody else's file has.
TMP_SUFFIX = ".leaflets-tmp"


def remove_own_temporaries(paths: Iterable[Path]) -> None:
    """The temporary files a killed build left while writing `paths` (the files this build
    writes): only of those names, only beside them; never a finished file, never anyone
    else's (a ``.pack.tmp`` of git's, a ``.notes.tmp`` of the user's)."""
    by_folder: dict[Path, set[str]] = {}
    for p in paths:
        by_folder.setdefault(p.parent, set()).add(p.name)
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            m = _OWN_TMP.fullmatch(e.name)
            if m and m.group(1) in names and e.is_file(follow_symlinks=False):
                try:
                    os.unlink(e.path)
                except FileNotFoundError:
                    pass


_OWN_TMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}" + re.escape(TMP_SUFFIX))


@contextmanager
def folder_lock(folder: Path, what: str):
    """Hold `folder` for one build: a second build into it fails at once with one line,
    instead of two builds interleaving their files and manifests. The lock is an advisory
    lock on ``.leaflets.lock`` in the folder, taken away when the build ends (and released by
    the system if its process dies)."""
    path = folder / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
        except OSError as e:
            raise OutputError(f"{folder}: cannot lock the folder ({e.strerror or e})") from None
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise OutputError(
                f"{folder}: another build is writing into this folder; wait for it to finish "
                f"or choose another {what}"
            ) from None
        try:  # the file locked is still the one named (no build removed it meanwhile)
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(path)  # while still held, so nobody locks a file that is going
        except OSError:
            pass
        os.close(fd)


LOCK_NAME = ".leaflets.lock"


def _lock(fd: int) -> None:
    if fcntl is None:  # Windows
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_toml(path: Path, what: str, error: type[Exception]) -> tuple[bytes, dict]:
    """(raw bytes, table) of a TOML file, or `error` with one line naming the file and what
    is wrong with it (missing, unreadable, not UTF-8, not TOML)."""
    try:
        with open(path, "rb", opener=_nonblocking) as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _error(error, f"{path}: not a regular file; give the path of a {what}")
            if st.st_size > MAX_TOML_BYTES:
                raise _error(
                    error,
                    f"{path}: {st.st_size // 1024} KiB is too large for a {what} "
                    f"(at most {MAX_TOML_BYTES // 1024} KiB)",
                )
            raw = f.read(MAX_TOML_BYTES + 1)
        return raw, tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except FileNotFoundError:
        raise _error(error, f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise _error(error, f"{path}: is a folder, not a {what}") from None
    except PermissionError:
        raise _error(error, f"{path}: cannot read the {what} (permission denied)") from None
    except UnicodeDecodeError:
        raise _error(error, f"{path}: the {what} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise _error(error, f"{path}: not valid TOML ({e}); fix the syntax") from None
    except OSError as e:
        raise _error(error, f"{path}: cannot read the {what} ({e.strerror or e})") from None


# A config or registry is a page of text; anything larger is a mistake (or /dev/zero).
MAX_TOML_BYTES = 1024 * 1024


def _nonblocking(path, flags):
    """Open without waiting: a FIFO given as a file must not hang the build."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


@functools.cache
def xmp_namespaces() -> dict[str, str]:
    """prefix -> namespace name of the XMP packets leaflets writes (data/xmp-namespaces.toml)."""
    _, table = read_toml(data_path("xmp-namespaces.toml"), "XMP namespace table", SourceError)
    return {str(k): str(v) for k, v in table.items()}


def xmlns(*prefixes: str) -> str:
    """The xmlns attributes for `prefixes`, each on a line of its own (for an XMP packet)."""
    names = xmp_namespaces()
    return "".join(f'\n xmlns:{p}="{names[p]}"' for p in prefixes)


def _error(kind: type[Exception], line: str) -> Exception:
    """An error of `kind`: one-line kinds take the line, problem-list kinds a list of one."""
    return kind([line]) if issubclass(kind, ProblemsError) else kind(line)
