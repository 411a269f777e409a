"""Line breaking: total-fit (Knuth–Plass) over words and spaces, first-fit as the fallback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Word spaces may grow to STRETCH and shrink to SHRINK times their natural width before a
# line counts as infeasible; Bengali is never letter-spaced, so spaces carry justification.
STRETCH = 1.0  # extra natural-space widths a space may gain (ratio up to 2.0)
SHRINK = 0.2  # a space may lose a fifth of its width
TOLERANCE = 1.2  # KP adjustment ratio allowed for feasible lines (ratio 2.2)
LINE_PENALTY = 10.0  # per line: prefers fewer lines among equally good settings
BADNESS_SCALE = 100.0
LONE_WORD_BADNESS = 1e5  # one word alone in a justified line, flush left: last resort
LOOSE_BADNESS = 1000.0  # added to lines looser than the tolerance
OVERFULL_DEMERITS = 1e8  # a line that cannot fit at all: only when nothing else is possible


@dataclass(frozen=True)
class LineBreak:
    start: int  # index of first word
    end: int  # index after last word
    ratio: float  # word-space width used / natural (1.0 = natural)
    last: bool
    overfull: bool = False


def _line_ratio(words_w: float, spaces: int, space: float, width: float, last: bool) -> float:
    natural = words_w + spaces * space
    if spaces == 0:
        return 1.0
    if last and natural <= width:
        return 1.0
    return (width - words_w) / (spaces * space)


def _badness(ratio: float) -> float:
    """TeX's badness on the adjustment ratio: 0 at natural spacing, cubic away from it."""
    if ratio >= 1.0:
        r = (ratio - 1.0) / STRETCH
    else:
        r = (1.0 - ratio) / SHRINK
    return BADNESS_SCALE * r**3


def total_fit(
    widths: Sequence[float],
    space: float,
    line_width: Callable[[int], float],
    *,
    justify: bool = True,
) -> list[LineBreak]:
    """Break words of `widths` into lines minimising total demerits.

    `line_width(0)` is the first line's measure (it may carry an indent), `line_width(1)`
    every later one. Returns first-fit lines when no setting stays within tolerance.
    """
    n = len(widths)
    if n == 0:
        return []
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [-1] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        last = j == n
        for i in range(j - 1, -1, -1):
            if best[i] == inf:
                continue
            width = line_width(0 if i == 0 else 1)
            words_w = prefix[j] - prefix[i]
            spaces = j - i - 1
            if words_w + spaces * space * (1 - SHRINK) > width + 1e-6:
                if spaces == 0:  # one word wider than the measure: let it stand alone
                    demerits = best[i] + OVERFULL_DEMERITS
                    if demerits < best[j]:
                        best[j], back[j] = demerits, i
                break  # adding words further back only makes it longer
            ratio = _line_ratio(words_w, spaces, space, width, last)
            if spaces == 0 and not last:
                badness = LONE_WORD_BADNESS  # a justified line that cannot be: a hole
            elif (last and ratio >= 1.0) or not justify:
                badness = 0.0
            else:
                badness = _badness(ratio)
                if ratio > 1.0 + STRETCH * TOLERANCE:
                    badness += LOOSE_BADNESS  # beyond tolerance: only if nothing else works
            demerits = best[i] + (LINE_PENALTY + badness) ** 2
            if demerits < best[j]:
                best[j] = demerits
                back[j] = i
    if best[n] == inf:  # cannot happen while single words are always allowed; kept as a net
        return first_fit(widths, space, line_width)
    ends: list[int] = []
    j = n
    while j > 0:
        ends.append(j)
        j = back[j]
    ends.reverse()
    return _breaks_from_ends(ends, widths, prefix, space, line_width)


def _breaks_from_ends(ends: list[int], widths: Sequence[float], prefix: list[float],
                      space: float, line_width: Callable[[int], float]) -> list[LineBreak]:
    out: list[LineBreak] = []
    start = 0
    for k, end in enumerate(ends):
        last = end == len(widths)
        width = line_width(0 if start == 0 else 1)
        words_w = prefix[end] - prefix[start]
        spaces = end - start - 1
        ratio = _line_ratio(words_w, spaces, space, width, last)
        overfull = words_w + spaces * space * (1 - SHRINK) > width + 1e-6
        out.append(LineBreak(start, end, ratio, last, overfull))
        start = end
        del k
    return out


def first_fit(widths: Sequence[float], space: float,
              line_width: Callable[[int], float]) -> list[LineBreak]:
    """Greedy lines: as many words as fit at natural spacing; a too-long word stands alone."""
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    ends: list[int] = []
    start = 0
    n = len(widths)
    while start < n:
        width = line_width(0 if start == 0 else 1)
        end = start + 1
        while end < n and prefix[end + 1] - prefix[start] + (end - start) * space <= width:
            end += 1
        ends.append(end)
        start = end
    return _breaks_from_ends(ends, widths, prefix, space, line_width)
