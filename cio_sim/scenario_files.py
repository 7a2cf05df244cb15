"""Reading scenario and experiment files: where a scenario name or path points (the bundled
scenarios, files), and a TOML file read safely (a regular file of bounded size and nesting,
UTF-8), every problem a one-line :class:`ScenarioError` naming the file."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .files import FileRefused, read_bounded
from .params import compact

#: Largest scenario file read (bytes); the bundled ones are under 2 KB.
MAX_BYTES = 1_000_000
#: Deepest nesting of tables and arrays in a scenario file; the schema is three deep.
MAX_DEPTH = 16


class ScenarioError(ValueError):
    """A scenario or parameter is invalid. Its message is one line: where, which key, what.

    ``via`` lists the files that extend ``source``, nearest first, so an error inside an
    ``extends`` target also says where that target was reached from.
    """

    def __init__(self, source: str, key: str | None, message: str, via: Sequence[str] = ()):
        self.source, self.key, self.detail, self.via = source, key, message, tuple(via)
        where = source if key is None else f"{source}: {key}"
        tail = ""
        if len(self.via) > 2:
            tail = (f" (extended by {self.via[0]}, ..., extended by {self.via[-1]}; "
                    f"{len(self.via) + 1} files in the chain)")
        elif self.via:
            tail = " (extended by " + ", extended by ".join(self.via) + ")"
        super().__init__(" ".join(f"{where}: {message}{tail}".split()))


def bundled_dir() -> Path:
    """The folder with the bundled scenarios (installed copy first, then the source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return here / "scenarios"


def bundled_names() -> list[str]:
    """Names of the bundled scenarios."""
    return sorted(p.stem for p in bundled_dir().glob("*.toml"))


def _is_name(text: str) -> bool:
    return not text.endswith(".toml") and "/" not in text and "\\" not in text


def _exists(path: Path) -> bool:
    """Whether something is at `path`, without opening it (a FIFO would block)."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _resolve_path(ref: str | Path, relative_to: Path | None = None) -> Path:
    """The file a scenario reference names. A bare name is a bundled scenario (or, inside an
    ``extends``, a sibling ``name.toml``); a relative path is taken relative to the
    extending file's folder only (`relative_to`), or to the working directory at the top."""
    text = str(ref)
    if not text or "\0" in text:
        raise ScenarioError(_clip(text), None, "not a scenario name or path")
    if _is_name(text):
        path = bundled_dir() / f"{text}.toml"
        if _exists(path):
            return path
        if relative_to is not None and _exists(relative_to / f"{text}.toml"):
            return relative_to / f"{text}.toml"
        close = difflib.get_close_matches(text, bundled_names(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ScenarioError(_clip(text), None, f"no bundled scenario of that name (bundled: "
                            f"{', '.join(bundled_names())}){hint}")
    path = Path(text).expanduser() if relative_to is None else Path(text)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    try:
        os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(_clip(text), None, "file not found") from None
    except OSError as exc:
        raise ScenarioError(_clip(text), None, f"cannot be read ({exc.strerror})") from None
    return path


def _clip(text: str, width: int = 120) -> str:
    """Text for a message: one line, at most `width` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 3] + "..."


def _nesting_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings and comments (a scan, no recursion)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth = max(depth - 1, 0)
    return deepest


_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
                     r"'[^'\n]*'|#[^\n]*|[\[\]{}]")


def read_toml_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML file safely: a regular file of at most :data:`MAX_BYTES`, UTF-8 (a byte
    order mark is allowed), nested at most :data:`MAX_DEPTH` deep. Anything else raises a
    one-line :class:`ScenarioError` naming the file."""
    src = str(path)
    try:
        raw = read_bounded(path, MAX_BYTES, what="file")  # the one bounded reader
    except FileRefused as exc:
        text = str(exc)
        raise ScenarioError(src, None, text[len(src) + 2:] if text.startswith(f"{src}: ")
                            else text) from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ScenarioError(src, None, "is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(src, None, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
                            f"offset {exc.start}); save it as UTF-8") from None
    if _nesting_depth(text) > MAX_DEPTH:
        raise ScenarioError(src, None, f"nested more than {MAX_DEPTH} levels deep")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(src, None, f"not valid TOML ({exc})") from None
    except RecursionError:
        raise ScenarioError(src, None, f"nested more than {MAX_DEPTH} levels deep") from None


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _real(path: Path) -> Path:
    """The path with symlinks and `..` resolved, for cycle detection."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise ScenarioError(str(path), None, f"cannot be resolved ({_why(exc)})") from None


#: How a scenario file states where a value comes from: a source line (``ADR:L968``,
#: ``N26:L15``, ...) or ``assumption: <reason>``, as the parameter schema does.
PROVENANCE = re.compile(r"^((ADR|B21|RK|N26|BLOG):L\d+|assumption: \S)")


def _flat_keys(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix: tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(_flat_keys(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def read_provenance(source: str, table: Any, sets: Sequence[str],
                    via: Sequence[str] = ()) -> dict[str, str]:
    """A scenario file's ``[provenance]`` table: dotted key -> where the file's value for it
    comes from. Each key must be one the file sets, each note a source line or
    ``assumption: ...``; anything else is a one-line :class:`ScenarioError`."""
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ScenarioError(source, "provenance", f"got {compact(table)}; allowed: a table of "
                            "dotted keys to source notes", via)
    notes = _flat_keys(table)
    for key, note in notes.items():
        where = f"provenance.{key}"
        if key not in sets:
            shown = ", ".join(sets) if len(sets) <= 8 else f"{len(sets)} keys"
            raise ScenarioError(source, where, "names a value this file does not set; "
                                f"allowed: the keys it sets ({shown})", via)
        if not isinstance(note, str) or not PROVENANCE.match(note.strip()):
            raise ScenarioError(source, where, f"got {compact(note)}; allowed: a source line "
                                "like 'ADR:L968' or 'assumption: <reason>'", via)
    return {k: " ".join(str(v).split()) for k, v in notes.items()}
