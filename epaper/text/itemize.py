"""Split text into runs, each set in the first face of a fallback stack that covers it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from epaper.text.fonts import IGNORABLE, Face


@dataclass(frozen=True)
class Run:
    start: int
    end: int
    face: Face


def _is_strong(ch: str) -> bool:
    """Letters decide a run's font; digits, spaces, punctuation and marks follow their context."""
    cat = unicodedata.category(ch)
    return cat[0] == "L"


def _first_cover(stack: tuple[Face, ...], cp: int) -> int:
    for i, f in enumerate(stack):
        if cp in f.cmap:
            return i
    return -1


def itemize(text: str, stack: tuple[Face, ...], prefer: int = 0) -> list[Run]:
    """Runs of `text` by face. `prefer` is the stack index for neutral-only text.

    Neutral characters (digits, punctuation, marks, ZWJ/ZWNJ, danda) stay with the face of
    the text before them when it has them, so "১,৮৪৭টি" or "COVID-19" never change font
    mid-word; a font change inside a shaped cluster draws the wrong glyphs.
    """
    if not text:
        return []
    n = len(text)
    choice = [-1] * n
    for i, ch in enumerate(text):
        if _is_strong(ch):
            choice[i] = _first_cover(stack, ord(ch))
    # Neutrals take the previous choice, else the next strong one, else the preference.
    last = -1
    for i, ch in enumerate(text):
        if choice[i] >= 0:
            last = choice[i]
            continue
        cp = ord(ch)
        if last >= 0 and (cp in stack[last].cmap or cp in IGNORABLE):
            choice[i] = last
            continue
        nxt = next((choice[j] for j in range(i + 1, n) if choice[j] >= 0), -1)
        for cand in (nxt, prefer):
            if cand >= 0 and (cp in stack[cand].cmap or cp in IGNORABLE):
                choice[i] = cand
                break
        else:
            found = _first_cover(stack, cp)
            choice[i] = found if found >= 0 else max(prefer, 0)
        last = choice[i]
    runs: list[Run] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or choice[i] != choice[start]:
            runs.append(Run(start, i, stack[choice[start]]))
            start = i
    return runs
