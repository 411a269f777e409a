"""Convert a story file typed in legacy Bijoy (SutonnyMJ) to Unicode, keeping its shape:
front matter keys, YAML quoting, Markdown marks and line numbers stay as they were."""

from __future__ import annotations

import re

from epaper.content.bijoy import bijoy_to_unicode, looks_like_bijoy

# Front matter fields whose values are text for the reader (others are names and numbers).
_TEXT_KEY = re.compile(
    r"^(?P<head>\s*(?:-\s+)?(?:headline|kicker|subheadline|byline|dateline|source|caption"
    r"|credit)\s*:\s*)(?P<value>.*?)\s*$")
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


def convert_story(text: str) -> tuple[str, int]:
    """The file with every Bijoy text converted, and how many lines changed."""
    lines = text.split("\n")
    out: list[str] = []
    changed = 0
    fences = [k for k, line in enumerate(lines) if line.strip() == "---"][:2]
    front = range(fences[0] + 1, fences[1]) if len(fences) == 2 else range(0)
    body_start = fences[1] + 1 if len(fences) == 2 else 0
    for k, line in enumerate(lines):
        new = line
        if k in front:
            m = _TEXT_KEY.match(line)
            if m and m.group("value") and looks_like_bijoy(m.group("value")):
                new = m.group("head") + _convert_value(m.group("value"))
        elif k >= body_start and line.strip() and looks_like_bijoy(line):
            m = _MARKDOWN_HEAD.match(line)
            new = (m.group("head") + bijoy_to_unicode(m.group("value")) if m
                   else bijoy_to_unicode(line))
        changed += new != line
        out.append(new)
    return "\n".join(out), changed
