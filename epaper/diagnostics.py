"""Diagnostics: every error and warning as a record, printed the way a compiler prints them.

A `Diagnostic` says where (file, line, column, the YAML field), what (a message), what to
do (a hint) and which kind it is (a stable `code`: `W-overset`, `E-yaml`, …, so that a
desk can filter them). `render` prints records for a terminal::

    samples/edition.yaml:12:9: error: story file not found: s.md [E-missing-file]
     12 |       - s.md
        |         ^~~~
        = hint: check the file name; paths are relative to edition.yaml

or one line each (`short`), and `to_json` gives the same records as JSON. Nothing here
knows about layout or the CLI: records come from errors.py, the loaders and the layout log.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
Format = Literal["full", "short"]
FORMATS: tuple[Format, ...] = ("full", "short")

# Codes given by epaper itself. Warnings added with a bare `LayoutLog.warn(message)` get
# DEFAULT_WARNING; errors without a code of their own get their class's (errors.py).
DEFAULT_WARNING = "W-layout"
WARNING_CODES = {
    "W-layout": "a layout warning without a code of its own",
    "W-overset": "a story's text did not fit its slot (and has no continuation)",
    "W-underset": "a story leaves more empty lines at its slot's foot than allowed",
    "W-low-ppi": "a photo or ad prints below the template set's min_ppi",
    "W-headline-lines": "a headline needs more lines than its slot allows, at its smallest",
    "W-word-broken": "a word wider than its column was broken without a hyphen",
    "W-photo-unused": "a story's photo has no room in its slot and is not printed",
    "W-reseparated": "CMYK art with more ink than the press allows was separated again",
    "W-empty-page": "a page has no story, no ad and no continuation",
    "W-lone-mark": "a combining mark (vowel sign) with no letter before it",
    "W-preflight": "a preflight warning about the print PDF",
    "W-empty-ad": "an ad slot has no ad: it prints an empty placeholder",
    "W-kept-page": "--pages kept a page as the last build made it, though it has changed",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; `end_col` (exclusive, same line) is
    how far the caret's underline runs; `story` and `page` say where in the edition."""

    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    field: str | None = None
    hint: str | None = None
    end_col: int | None = None
    story: str | None = None
    page: int | None = None

    def __post_init__(self) -> None:
        # A yamlio.Pos line carries its columns: take them, keep the line a plain int.
        if self.line is not None and type(self.line) is not int:
            if self.col is None:
                object.__setattr__(self, "col", getattr(self.line, "col", None))
                object.__setattr__(self, "end_col", getattr(self.line, "end", None))
            object.__setattr__(self, "line", int(self.line))
        # Where only the line is known, the spot is the line's text: every record with a
        # line has a column, as a compiler's do (and an editor can jump to it).
        if self.file and self.line and self.col is None:
            lines = source_lines(self.file)
            if 0 < self.line <= len(lines) and lines[self.line - 1].strip():
                col, end = first_text_col(lines[self.line - 1])
                object.__setattr__(self, "col", col)
                object.__setattr__(self, "end_col", end)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Diagnostic:
        known: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}
        return cls(**known)

    def as_error(self) -> Diagnostic:
        """The same finding as an error (`--strict`); its code stays, so it can be found."""
        return replace(self, severity="error")

    def where(self, cwd: Path | None = None) -> str:
        """`file:line:col`, as much of it as is known; `epaper` for no file."""
        if not self.file:
            return "epaper"
        out = display_path(self.file, cwd)
        if self.line:
            out += f":{self.line}"
            if self.col:
                out += f":{self.col}"
        return out

    def headline(self, cwd: Path | None = None) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.where(cwd)}: {self.severity}: {field}{self.message} [{self.code}]"

    def short(self, cwd: Path | None = None) -> str:
        """The one-line form: location, severity, message, (hint), [code]."""
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.where(cwd)}: {self.severity}: {field}{self.message}{hint} [{self.code}]"


def display_path(file: str, cwd: Path | None = None) -> str:
    """A file as a compiler names it: relative to the current folder when it lies inside
    it (what the desk typed, usually), else absolute."""
    here = (cwd or Path.cwd()).resolve()
    path = Path(file)
    try:
        return path.relative_to(here).as_posix() if path.is_absolute() else file
    except ValueError:
        return file


# -- where in a file -----------------------------------------------------------------------

def source_lines(file: str | Path) -> list[str]:
    """The file's lines as text (undecodable bytes replaced), or none if it cannot be read."""
    try:
        info = os.stat(file)
    except OSError:
        return []
    return list(_read_lines(str(file), info.st_mtime_ns, info.st_size))


@functools.lru_cache(maxsize=64)
def _read_lines(file: str, _mtime: int, _size: int) -> tuple[str, ...]:
    """A file's lines, cached while it is unchanged: a story's warnings read it once."""
    try:
        raw = Path(file).read_bytes()
    except OSError:
        return ()
    return tuple(raw.decode("utf-8", errors="replace").removeprefix("\ufeff").split("\n"))


def locate(file: str | Path, needle: str, from_line: int = 1, lines: Sequence[str] | None
           = None) -> tuple[int, int, int] | None:
    """(line, col, end_col) of the first `needle` in `file` on or after `from_line`."""
    if not needle:
        return None
    text = list(lines) if lines is not None else source_lines(file)
    for k in range(max(from_line, 1) - 1, len(text)):
        col = text[k].find(needle)
        if col >= 0:
            return k + 1, col + 1, col + 1 + len(needle)
    return None


def first_text_col(line: str) -> tuple[int, int]:
    """The span a caret underlines when only the line is known: the line's text."""
    stripped = line.rstrip()
    start = len(stripped) - len(stripped.lstrip())
    return start + 1, max(start + 2, len(stripped) + 1)


# -- printing ------------------------------------------------------------------------------

def _width(ch: str) -> int:
    """Terminal cells of a character: 0 for combining marks and format characters (a
    Bengali vowel sign sits on its consonant), 2 for East Asian wide ones."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _pad(text: str) -> str:
    """Blanks as wide as `text`, keeping its tabs, so the caret lands under the column."""
    return "".join(ch if ch == "\t" else " " * _width(ch) for ch in text)


WINDOW = 100  # characters of a long source line shown around the spot


def snippet(d: Diagnostic, lines: Sequence[str]) -> list[str]:
    """The source line and a caret under the spot, gcc-style; nothing if not known. Of a
    long line (a Markdown paragraph is one) only a window around the spot is shown."""
    if not d.line or d.line > len(lines):
        return []
    source = lines[d.line - 1].rstrip("\r")
    if not source.strip():
        return []
    col, end = (d.col, d.end_col) if d.col else first_text_col(source)
    col = min(col, len(source) + 1)
    end = max(end or col + 1, col + 1)
    start = max(0, min(col - 1 - WINDOW // 3, len(source) - WINDOW))
    stop = start + WINDOW
    shown = ("…" if start else "") + source[start:stop] + ("…" if stop < len(source) else "")
    before = ("…" if start else "") + source[start:col - 1]
    number = str(d.line)
    gutter = " " * len(number)
    under = source[col - 1:min(end - 1, stop)]
    marks = max(1, sum(_width(ch) for ch in under))
    return [f" {number} | {shown}", f" {gutter} | {_pad(before)}^{'~' * (marks - 1)}"]


def render(records: Iterable[Diagnostic], fmt: Format = "full", *,
           cwd: Path | None = None) -> str:
    """Records as text for stderr: `full` (location, source line, caret, hint) or
    `short` (one line each). Ends with a newline unless there is nothing to say."""
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    for d in records:
        if fmt == "short":
            out.append(d.short(cwd))
            continue
        out.append(d.headline(cwd))
        if d.file and d.line:
            if d.file not in cache:
                cache[d.file] = source_lines(d.file)
            out += snippet(d, cache[d.file])
        if d.hint:
            gutter = " " * len(str(d.line)) if d.line and d.file else ""
            out.append(f" {gutter} = hint: {d.hint}")
    return "\n".join(out) + "\n" if out else ""


def counts(records: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for d in records:
        if d.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def tally(records: Sequence[Diagnostic]) -> str:
    """"2 errors, 1 warning" — the last line a desk reads."""
    errors, warnings = counts(records)

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return f"{n(errors, 'error')}, {n(warnings, 'warning')}"


def to_json(records: Iterable[Diagnostic], **extra: Any) -> dict[str, Any]:
    """The records as `check --json` and `build --json` print them."""
    items = [d.to_json() for d in records]
    errors = sum(1 for d in items if d["severity"] == "error")
    return {"ok": errors == 0, "errors": errors, "warnings": len(items) - errors,
            "diagnostics": items, **extra}

