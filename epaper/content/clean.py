"""Clean desk copy before it is set: one canonical spelling for what Unicode allows two
ways, typographic quotes, and the spacing mistakes that break Bengali line rules.

Every change is recorded (file, line, field, rule, how many) so that `epaper check` and
the build report can tell the desk what was changed; nothing is changed silently. Text
that is not Unicode at all (legacy Bijoy) is refused by the loader, not repaired here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from epaper.model.edition import Cleanup

RULES = {
    "khanda-ta": "ত + hasanta + ZWJ written as ৎ",
    "nukta": "precomposed য় ড় ঢ় written as letter + nukta (the NFC form), so search matches",
    "nfc": "Unicode normalised to NFC",
    "space-before-punct": "space before । ॥ , ; : ? ! removed",
    "space-after-danda": "space added after । ॥ that ran into the next word",
    "quotes": "straight quotes made typographic",
    "separator": "line and page separators (VT, FF, NEL, U+2028/9: a word processor's "
                 "manual breaks) made spaces",
    "control": "control characters removed",
    "soft-hyphen": "soft hyphens removed (hyphenation is the engine's job)",
}

KHANDA_TA_OLD = "\u09a4\u09cd\u200d"
KHANDA_TA = "\u09ce"
PRECOMPOSED_NUKTA = "\u09dc\u09dd\u09df"
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t\u00a0]+(?=[।॥,;:?!](?:\s|$|[\"'”’)\]]))")
_NO_SPACE_AFTER_DANDA = re.compile(r"([।॥])(?=[\u0980-\u09ff\u0041-\u005a\u0061-\u007a])")
# Separators stand between words: removing them would glue "Temperatures\vmay".
_SEPARATOR = re.compile(r"[\u000b\u000c\u001c-\u001f\u0085\u2028\u2029]")
_CONTROL = re.compile(r"[\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f\ufeff]")
_OPENERS = set(" \t\u00a0([{—–-/“‘")


def _quotes(text: str) -> str:
    """Straight quotes to typographic ones: opening after a space, bracket or dash (or at
    the start), closing otherwise; a single quote between letters is an apostrophe.
    Bengali uses the same curly quotes as English."""
    out: list[str] = []
    for k, ch in enumerate(text):
        before = text[k - 1] if k else " "
        after = text[k + 1] if k + 1 < len(text) else " "
        if ch == '"':
            out.append("“" if before in _OPENERS else "”")
        elif ch == "'":
            if before.isalnum() and after.isalnum():
                out.append("’")
            else:
                out.append("‘" if before in _OPENERS else "’")
        else:
            out.append(ch)
    return "".join(out)


def _count_sub(pattern: re.Pattern[str], repl: str, text: str) -> tuple[str, int]:
    return pattern.subn(repl, text)


_STEPS: list[tuple[str, Callable[[str], tuple[str, int]]]] = [
    ("separator", lambda t: _count_sub(_SEPARATOR, " ", t)),
    ("control", lambda t: _count_sub(_CONTROL, "", t)),
    ("soft-hyphen", lambda t: (t.replace("\u00ad", ""), t.count("\u00ad"))),
    ("khanda-ta", lambda t: (t.replace(KHANDA_TA_OLD, KHANDA_TA), t.count(KHANDA_TA_OLD))),
    ("nukta", lambda t: (unicodedata.normalize("NFC", t),
                         sum(t.count(c) for c in PRECOMPOSED_NUKTA))),
    ("nfc", lambda t: (unicodedata.normalize("NFC", t),
                       int(unicodedata.normalize("NFC", t) != t))),
    ("space-after-danda", lambda t: _count_sub(_NO_SPACE_AFTER_DANDA, r"\1 ", t)),
    ("space-before-punct", lambda t: _count_sub(_SPACE_BEFORE, "", t)),
    ("quotes", lambda t: (_quotes(t), t.count('"') + t.count("'"))),
]


def clean(text: str) -> tuple[str, list[tuple[str, int]]]:
    """The cleaned text and, per rule that changed something, how many changes."""
    done: list[tuple[str, int]] = []
    for rule, step in _STEPS:
        new, count = step(text)
        if new != text and count:
            done.append((rule, count))
        text = new
    return text, done


def clean_lines(text: str, first_line: int, field: str) -> tuple[str, list[Cleanup]]:
    """Clean a block of lines, keeping the line count, recording changes by file line."""
    out_lines: list[str] = []
    record: list[Cleanup] = []
    for k, line in enumerate(text.split("\n")):
        new, done = clean(line)
        out_lines.append(new)
        record += [Cleanup(first_line + k, field, rule, n) for rule, n in done]
    return "\n".join(out_lines), record


def describe(c: Cleanup) -> str:
    return f"{c.field}: {RULES[c.rule]} ({c.count}×)"
