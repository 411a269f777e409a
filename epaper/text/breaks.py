"""Break opportunities inside a word: where UAX #14 lets a line end with no space.

Words are split at spaces before they get here; what is left are the breaks a compound or
a range carries in itself — after the hyphen of "above-normal" or "উইকেটকিপার-ব্যাটার",
after the en dash of "ঢাকা–সিলেট", after an em dash, after a slash. uniseg implements the
standard's pair table, so numbers stay whole ("COVID-19", "জিপিএ-৫", "১০-১৫", "২৮৭/৬") and
nothing breaks before a danda or a closing quote.
"""

from __future__ import annotations

import functools

from uniseg.linebreak import line_break_boundaries

# Without one of these a word has no break inside it (spaces aside): a quick test that
# spares the pair table for almost every word.
_SEAM_CHARS = frozenset("-‐–—/\u200b")
MIN_BEFORE = 2  # letters or digits on the line that ends at the seam ("e-" stays "e-ticket")
MIN_AFTER = 3  # characters starting the next line: a case ending ("EU-এর") stays attached


def _letters(part: str) -> int:
    return sum(c.isalnum() for c in part)


@functools.lru_cache(maxsize=65536)
def seams(text: str) -> tuple[int, ...]:
    """Offsets inside `text` where a line may end with nothing added: no hyphen drawn, no
    word space. A dash alone never makes a part: it stays at the end of the part before
    it (a line ends "তিনি—", never starts with the dash). Offsets next to a space are left
    out: those spaces were kept on purpose (a number and its unit, a word and its danda)."""
    if len(text) < 2 * MIN_BEFORE + 1 or not any(c in _SEAM_CHARS for c in text):
        return ()
    cuts = [k for k in line_break_boundaries(text)
            if 0 < k < len(text) and not text[k - 1].isspace() and not text[k].isspace()]
    parts: list[list[int]] = []  # [start, end] of each part
    start = 0
    for k in [*cuts, len(text)]:
        if parts and not _letters(text[start:k]):
            parts[-1][1] = k  # punctuation only: joins the part before
        else:
            parts.append([start, k])
        start = k
    out = []
    for (a, b), (_, d) in zip(parts, parts[1:], strict=False):
        if _letters(text[a:b]) >= MIN_BEFORE and d - b >= MIN_AFTER and _letters(text[b:d]) >= 2:
            out.append(b)
    return tuple(out)
