"""Convert a story file typed in legacy Bijoy (SutonnyMJ) to Unicode, keeping its shape:
front matter keys, YAML quoting, Markdown marks and line numbers stay as they were."""

from __future__ import annotations

import re
from pathlib import Path

from epaper.content.bijoy import bijoy_to_unicode, looks_like_bijoy
from epaper.errors import ContentError

# Front matter fields whose values are text for the reader (others are names and numbers).
_TEXT_KEY = re.compile(
    r"^(?P<head>\s*(?:-\s+)?(?:headline|kicker|subheadline|byline|dateline|source|caption"
    r"|credit)\s*:\s*)(?P<value>.*?)(?P<tail>\s*)$")
_MARKDOWN_HEAD = re.compile(r"^(?P<head>\s*#+\s*)(?P<value>.*)$")


def _convert_value(value: str) -> str:
    """A YAML scalar: convert inside its quotes, re-quote so that the result stays valid."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == '"':
            inner = inner.replace('\\"', '"')
        converted = bijoy_to_unicode(inner)
        return '"' + converted.replace("\\", "\\\\").replace('"', '\\"') + '"'
    converted = bijoy_to_unicode(value)
    return '"' + converted.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Share of control characters (other than tab, line ends, form feed and DOS's end-of-file
# mark) above which a file is not text.
_MAX_CONTROLS = 0.02
_NOT_TEXT_HINT = "convert-bijoy converts story files, which are text; check the file name"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def read_story(path: Path) -> str:
    """A file's text for conversion: UTF-8 (a byte order mark left out) or, failing that,
    Latin-1, as Bijoy files often arrive in the Windows ANSI code page. A file that is
    not text (a photo, a PDF) is refused: converting it would destroy it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError("the file is UTF-16 text; nothing was converted", file=path,
                           hint="save it as UTF-8 and run again")
    if b"\0" in raw:
        raise ContentError("not a text file (it holds NUL bytes); nothing was converted",
                           file=path, hint=_NOT_TEXT_HINT)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # Bijoy files often arrive as ANSI
    controls = len(_CONTROL.findall(text))
    if controls > len(text) * _MAX_CONTROLS:
        raise ContentError(f"not a text file ({controls} control characters in "
                           f"{len(text)}); nothing was converted", file=path,
                           hint=_NOT_TEXT_HINT)
    return text


def convert_story(text: str, path: Path | None = None) -> tuple[str, int]:
    """The file with every Bijoy text converted, and how many lines changed.

    Like the story loader, a byte order mark is ignored (and left out of the result), and
    front matter is the block between a first line '---' and the next '---': only its
    text fields are converted, never its keys."""
    lines = text.removeprefix("\ufeff").split("\n")
    out: list[str] = []
    changed = 0
    front = range(0)
    body_start = 0
    if lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is None:
            raise ContentError("the front matter block is not closed with '---'; nothing "
                               "was converted", file=path, line=1,
                               hint="close it, then convert: the field names must stay")
        front, body_start = range(1, end), end + 1
    for k, line in enumerate(lines):
        new = line
        if k in front:
            m = _TEXT_KEY.match(line)
            if m and m.group("value") and looks_like_bijoy(m.group("value")):
                new = m.group("head") + _convert_value(m.group("value")) + m.group("tail")
        elif k >= body_start and line.strip() and looks_like_bijoy(line):
            m = _MARKDOWN_HEAD.match(line)
            new = (m.group("head") + bijoy_to_unicode(m.group("value")) if m
                   else bijoy_to_unicode(line))
        changed += new != line
        out.append(new)
    return "\n".join(out), changed
