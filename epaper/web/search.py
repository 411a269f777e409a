"""The spelling the e-paper's search compares: the cleanup step's canonical form (NFC, one
khanda-ta, no soft hyphens or control characters), then folded for matching. The viewer's
`canon` (static/viewer.js) is the same function in JavaScript; a browser test holds the
two together."""

from __future__ import annotations

import re

from epaper.content.clean import clean

_JOINERS = re.compile(r"[\u200b-\u200d\u2060]")
# Punctuation separates words for search: । ॥ and the Latin marks, quotes, dashes.
_PUNCT = re.compile(r"[\u0964\u0965.,;:?!\"'\u2018\u2019\u201c\u201d()\[\]{}\u2013\u2014/\-]")
_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """`text` as search compares it: য় typed precomposed or as য + nukta, ৎ typed either
    way, upper or lower case, all give the same key."""
    text, _changes = clean(text)
    text = _JOINERS.sub("", text)
    text = _PUNCT.sub(" ", text).lower()
    return _SPACES.sub(" ", text).strip()
