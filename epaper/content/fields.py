"""Field values of edition files as the desk meant them, or a clear refusal.

A text field (headline, caption, section, paper.volume, …) must be text. YAML reads some
unquoted text as something else: a plain number (`volume: 8`, `headline: 2026`) is taken
as the text written — digit for digit, so `price: 10.50` stays "10.50" and `issue: 007`
stays "007" — because that is what a desk means by it; true/false (`kicker: no`,
`caption: yes`), lists, mappings and dates are refused, since printing Python's
"False" or "['a', 'b']" would garble the page.
"""

from __future__ import annotations

import datetime as dt

from epaper.errors import ContentError
from epaper.yamlio import Located


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


def text(meta: Located, value: object, path: tuple[object, ...], field: str) -> str:
    """The text of a text field at `path` of `meta` ("" when absent or empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    written = meta.written.get(path)
    if isinstance(value, int | float) and not isinstance(value, bool) and written:
        return written
    key = str(path[-1]) if path else field
    if isinstance(value, bool) and written:
        hint = f"YAML reads {written} as {str(value).lower()}; write {key}: \"{written}\""
    elif isinstance(value, list | dict):
        hint = f"write the text on one line after '{key}:', in quotes if it has a colon, " \
               "bracket or brace"
    else:
        hint = f"write it in quotes: {key}: \"…\""
    raise ContentError(f"must be text, not {_kind(value)}", file=meta.file,
                       line=meta.line(*path), field=field, hint=hint, code="E-type")


def name(meta: Located, value: object, path: tuple[object, ...], field: str,
         what: str, *, required: bool = False) -> str | None:
    """A slot name: text, or None when not given (and not `required`). `slot: 0` or
    `slot: false` is not a way of saying "no slot", so anything but text is refused."""
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip():
        return value
    written = meta.written.get(path) or ("nothing" if value in (None, "") else repr(value))
    raise ContentError(f"{what} must be a slot name (text), not {written}", file=meta.file,
                       line=meta.line(*path), field=field, code="E-type",
                       hint="name a slot of the page template" + (
                           "" if required else ", or leave the field out"))


def mapping(meta: Located, value: object, path: tuple[object, ...], field: str,
            known: tuple[str, ...] | set[str], what: str) -> None:
    """Refuse keys `what` (a photo entry, an ad entry, …) does not have: a misspelt
    `captoin:` would otherwise be dropped without a word."""
    assert isinstance(value, dict)
    for key in value:
        if key not in known:
            raise ContentError(f"unknown field {key!r}", file=meta.file,
                               line=meta.key_line(*path, key), field=f"{field}.{key}",
                               code="E-unknown-field",
                               hint=f"{what} has: {', '.join(sorted(known))}")
