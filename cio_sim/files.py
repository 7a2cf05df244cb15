"""Files cio-sim writes and reads: only its own, never through a link it did not make.

Every report, figure, table and manifest is written to a temporary file in the target's
folder and renamed over it (:func:`replacing`), so a reader never sees half a file and a
symbolic link at the target is replaced, not written through. Folders cio-sim makes inside an
output folder (``figures/``, ``csv/``) may not be links (:func:`make_dir`). An output folder
is written to only when it is new, empty, or marked as cio-sim's own by a manifest carrying
:data:`OWNER_KEY` (:func:`check_owned`). Every file cio-sim reads goes through
:func:`read_bounded`: regular files of bounded size only, so a FIFO or ``/dev/zero`` gives
one line instead of a hang or a memory error. Imports nothing of the model.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

#: The manifest key (and value) that marks a folder as written by cio-sim, and the format
#: of what it wrote there (raised when a reader of today could not read it).
OWNER_KEY = "written_by"
OWNER = "cio-sim"
FORMAT_KEY = "format"
FORMAT = 2
#: Manifest kinds of earlier versions (written before the marker existed): still cio-sim's.
LEGACY_KINDS = ("run", "compare", "sweep", "exploration")
#: Largest manifest (or other JSON file) cio-sim reads.
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 64


class FileRefused(ValueError):
    """A file or folder cio-sim will not read or write (one line naming it)."""


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def file_mode() -> int:
    """Permissions of a normal new file under the current umask (0644 under umask 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


# ---------------------------------------------------------------------------- writing

def make_dir(path: str | Path) -> Path:
    """Create ``path`` (and its parents); refuse one that is a link or not a folder."""
    path = Path(path)
    if path.is_symlink():
        raise FileRefused(f"{path}: is a symbolic link; cio-sim does not write through "
                          "links it did not make (remove it or choose another folder)")
    if path.exists() and not path.is_dir():
        raise FileRefused(f"{path}: exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def replacing(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write ``path`` through a temporary file in its folder, renamed over it on success.

    A link at ``path`` is replaced (never followed); on an error the temporary file is removed
    and ``path`` is left as it was. ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``.
    """
    path = Path(path)
    parent = path.parent
    if parent.is_symlink() and parent != Path("."):
        make_dir(parent)  # raises: a linked folder
    if path.is_dir() and not path.is_symlink():
        raise FileRefused(f"{path}: is a folder; cio-sim writes a file of that name here")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=parent)
    try:
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically (temp file + rename, links replaced)."""
    with replacing(path, "w") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` atomically (temp file + rename, links replaced)."""
    with replacing(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def save_figure(fig: Any, path: str | Path, **kwargs: Any) -> Path:
    """``fig.savefig`` into ``path`` atomically (the format from the suffix unless given)."""
    path = Path(path)
    kwargs.setdefault("format", path.suffix.lstrip(".") or "png")
    with replacing(path, "wb") as fh:
        fig.savefig(fh, **kwargs)
    return path


def open_private(path: str | Path) -> int:
    """Open (or create) a file cio-sim keeps open, such as a lock, without following a link;
    refuse a file with other hard links (it would be someone else's file too)."""
    path = Path(path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, file_mode())
    except OSError:
        if path.is_symlink():
            raise FileRefused(f"{path}: is a symbolic link; cio-sim does not follow links it "
                              "did not make (remove it)") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        raise FileRefused(f"{path}: is not a plain file of cio-sim's (a hard link or a special "
                          "file); remove it")
    return fd


# ---------------------------------------------------------------------------- ownership

def is_owned_manifest(manifest: Any) -> bool:
    """True for a manifest cio-sim wrote: the marker, or an earlier version's batch or
    exploration manifest (a kind it writes and a digest)."""
    if not isinstance(manifest, dict):
        return False
    if manifest.get(OWNER_KEY) == OWNER:
        return isinstance(manifest.get(FORMAT_KEY, FORMAT), int)
    return manifest.get("kind") in LEGACY_KINDS and isinstance(manifest.get("digest"), str)


def check_owned(directory: str | Path, manifest_name: str, own_names: Collection[str],
                flag: str = "--out", anchor: str | None = None,
                ignore: Collection[str] = ()) -> bool:
    """Refuse to write into ``directory`` unless it is new, empty, or cio-sim's own.

    Its own: ``manifest_name`` is a manifest cio-sim wrote, or (a store whose manifest was
    lost or damaged) it holds ``anchor`` (its database) and every entry is one of
    ``own_names``. Entries in ``ignore`` (a lock file) and cio-sim's temporary files do not
    count. Returns True when the folder holds something of cio-sim's. A foreign manifest, a
    link among cio-sim's names or any other file gives one line (FileRefused).
    """
    directory = Path(directory)
    if not directory.exists():
        if directory.is_symlink():
            raise FileRefused(f"{directory}: is a broken symbolic link; choose another {flag}")
        return False
    if not directory.is_dir():
        raise FileRefused(f"{directory}: exists and is not a folder; choose another {flag}")
    try:
        entries = sorted(p.name for p in directory.iterdir())
    except OSError as exc:
        raise FileRefused(f"{directory}: cannot be listed ({_why(exc)})") from None
    entries = [e for e in entries if e not in ignore and not _temporary(e)]
    if not entries:
        return False
    linked = [e for e in entries if e in own_names and (directory / e).is_symlink()]
    if linked:
        raise FileRefused(f"{directory / linked[0]}: is a symbolic link; cio-sim does not "
                          f"follow links it did not make (remove it or choose another {flag})")
    mpath = directory / manifest_name
    if mpath.exists():
        try:
            manifest = read_json(mpath, what="manifest")
        except FileRefused:
            manifest = None  # damaged: the caller's own check says how to recover
        # (a manifest that is not a JSON object is damaged too, not someone else's)
        if isinstance(manifest, dict) and not is_owned_manifest(manifest):
            raise FileRefused(f"{mpath}: not a manifest written by cio-sim; cio-sim writes "
                              f"only into a new, empty or cio-sim folder (choose another "
                              f"{flag})")
        if isinstance(manifest, dict):
            return True
    foreign = [e for e in entries if e not in own_names and ".damaged-" not in e]
    if anchor is not None and anchor not in entries:
        foreign = foreign or entries  # nothing of cio-sim's proves the folder is its own
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more"
                                          if len(foreign) > 3 else "")
        raise FileRefused(f"{directory}: holds files cio-sim did not write ({shown}); cio-sim "
                          f"writes only into a new, empty or cio-sim folder (choose another "
                          f"{flag})")
    return True


def _temporary(name: str) -> bool:
    """A temporary file of :func:`replacing` (``.<name>-XXXX.tmp``)."""
    return name.startswith(".") and name.endswith(".tmp")


# ---------------------------------------------------------------------------- reading

def read_bounded(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; FileRefused (one line naming
    the file) for a missing, special (FIFO, device), oversized or unreadable one."""
    src = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileRefused(f"{src}: {what} not found") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise FileRefused(f"{src}: {what} cannot be read ({_why(exc)})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(f"{src}: is a folder, not a {what}")
        raise FileRefused(f"{src}: {what} is not a regular file (a FIFO or device); cio-sim "
                          "reads regular files only")
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            raise FileRefused(f"{src}: {what} is {info.st_size:,} bytes; at most "
                              f"{limit:,} allowed")
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise FileRefused(f"{src}: {what} cannot be read ({_why(exc)})") from None
    if len(raw) > limit:
        raise FileRefused(f"{src}: {what} is over {limit:,} bytes; at most {limit:,} allowed")
    return raw


def json_depth(text: str) -> int:
    """The deepest nesting of brackets in JSON ``text`` (strings skipped)."""
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def read_json(path: str | Path, limit: int = MAX_JSON_BYTES, what: str = "file") -> Any:
    """A JSON file read through :func:`read_bounded`: UTF-8, at most ``MAX_JSON_DEPTH``
    levels deep; FileRefused with one line otherwise."""
    raw = read_bounded(path, limit, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"{path}: {what} is not UTF-8 (byte 0x{raw[exc.start]:02x} at "
                          f"offset {exc.start})") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise FileRefused(f"{path}: {what} is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FileRefused(f"{path}: {what} is not valid JSON ({_why(exc)})") from None


__all__ = ["FORMAT", "FORMAT_KEY", "LEGACY_KINDS", "OWNER", "OWNER_KEY", "FileRefused",
           "check_owned", "file_mode", "is_owned_manifest", "json_depth", "make_dir",
           "open_private", "read_bounded", "read_json", "replacing", "save_figure",
           "write_bytes", "write_text"]
