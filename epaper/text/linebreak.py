"""Line breaking: total-fit (Knuth–Plass) over items and their breaks, first-fit fallback.

A paragraph is a list of items — words, or the pieces of a word between its hyphenation
points — each saying what follows it: a word space (stretches and shrinks, a line may end
there), a hyphenation point (a line may end there and then gets a hyphen, at a price), a
break the word carries itself (after the hyphen of "above-normal" or a dash: a line may
end there with nothing added, at a smaller price) or a plain break (after a piece of a
word too wide for any line). Bengali is never
letter-spaced, so word spaces carry all of the justification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SPACE, HYPHEN, DASH, BREAK = "space", "hyphen", "dash", "break"

# Word spaces may grow to STRETCH and shrink to SHRINK times their natural width before a
# line counts as infeasible.
STRETCH = 0.5  # a space at 1.5 times its width has badness 100 (TeX's proportion)
SHRINK = 0.2  # a space may lose a fifth of its width
TOLERANCE = 2.4  # lines up to ratio 1 + STRETCH * TOLERANCE (2.2) are feasible
LINE_PENALTY = 10.0  # per line: prefers fewer lines among equally good settings
BADNESS_SCALE = 100.0
# One word alone on a justified line is set flush left: the hole after it costs what a
# word space that wide would, so a long word that nearly fills the line is cheap and
# "For" or "Dr" alone at a paragraph's head is not.
LONE_PIECE_BADNESS = 1e7  # a hyphenated piece alone ("বিএসসি-"): never, unless forced
LOOSE_BADNESS = 1000.0  # added to lines looser than the tolerance
OVERFULL_DEMERITS = 1e16  # a line that cannot fit at all: only when nothing else is possible
HYPHEN_PENALTY = 60.0  # a hyphenated line end, in badness units (TeX's \hyphenpenalty 50)
DASH_PENALTY = 50.0  # a line ending at a compound's own hyphen or dash (\exhyphenpenalty)
# Lines ending at a hyphenation point or at a compound's hyphen count alike below: the
# reader sees a ladder of hyphens either way.
DOUBLE_HYPHEN_DEMERITS = 10_000.0  # two hyphenated lines in a row (TeX's default)
FINAL_HYPHEN_DEMERITS = 5_000.0  # the last full line of a paragraph hyphenated
MAX_HYPHENS_IN_A_ROW = 2


@dataclass(frozen=True)
class Item:
    """A box of text and what follows it."""

    width: float
    after: str = SPACE  # SPACE | HYPHEN | DASH | BREAK
    hyphen: float = 0.0  # width the hyphen adds when a line ends here (HYPHEN only)


@dataclass(frozen=True)
class LineBreak:
    start: int  # index of the first item
    end: int  # index after the last item
    ratio: float  # word-space width used / natural (1.0 = natural)
    last: bool
    overfull: bool = False
    hyphenated: bool = False  # ends at a hyphenation point: draw the hyphen


def _badness(ratio: float) -> float:
    """TeX's badness on the adjustment ratio: 0 at natural spacing, cubic away from it."""
    if ratio >= 1.0:
        r = (ratio - 1.0) / STRETCH
    else:
        r = (1.0 - ratio) / SHRINK
    return BADNESS_SCALE * r**3


class _Paragraph:
    """Prefix sums so that any candidate line is measured in constant time."""

    def __init__(self, items: Sequence[Item], space: float,
                 line_width: Callable[[int], float]) -> None:
        self.items = items
        self.space = space
        self.line_width = line_width
        self.n = len(items)
        self.width = [0.0]
        self.spaces = [0]
        for it in items:
            self.width.append(self.width[-1] + it.width)
            self.spaces.append(self.spaces[-1] + (1 if it.after == SPACE else 0))

    def measure(self, i: int, j: int) -> tuple[float, int, bool]:
        """Items i..j-1 on one line: width of their boxes (with a hyphen if the line ends at
        a hyphenation point), stretchable spaces inside, and whether it is hyphenated."""
        last = self.items[j - 1]
        hyphenated = j < self.n and last.after == HYPHEN
        boxes = self.width[j] - self.width[i] + (last.hyphen if hyphenated else 0.0)
        return boxes, self.spaces[j - 1] - self.spaces[i], hyphenated

    def ratio(self, i: int, j: int) -> float:
        boxes, spaces, _ = self.measure(i, j)
        width = self.line_width(0 if i == 0 else 1)
        if spaces == 0:
            return 1.0
        if j == self.n and boxes + spaces * self.space <= width:
            return 1.0
        return (width - boxes) / (spaces * self.space)

    def breaks(self, ends: list[int]) -> list[LineBreak]:
        out: list[LineBreak] = []
        start = 0
        for end in ends:
            boxes, spaces, hyphenated = self.measure(start, end)
            width = self.line_width(0 if start == 0 else 1)
            overfull = boxes + spaces * self.space * (1 - SHRINK) > width + 1e-6
            out.append(LineBreak(start, end, self.ratio(start, end), end == self.n, overfull,
                                 hyphenated))
            start = end
        return out


def total_fit(
    items: Sequence[Item],
    space: float,
    line_width: Callable[[int], float],
    *,
    justify: bool = True,
) -> list[LineBreak]:
    """Break `items` into lines minimising total demerits.

    `line_width(0)` is the first line's measure (it may carry an indent), `line_width(1)`
    every later one. At most MAX_HYPHENS_IN_A_ROW hyphenated lines follow each other.
    """
    para = _Paragraph(items, space, line_width)
    n = para.n
    if n == 0:
        return []
    inf = float("inf")
    hmax = MAX_HYPHENS_IN_A_ROW
    # best[j][h]: least demerits of lines ending after item j-1, the last h of them
    # hyphenated in a row.
    best = [[inf] * (hmax + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(-1, 0)] * (hmax + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for j in range(1, n + 1):
        last = j == n
        if not last and items[j - 1].after not in (SPACE, HYPHEN, DASH, BREAK):
            continue
        for i in range(j - 1, -1, -1):
            if all(b == inf for b in best[i]):
                continue
            boxes, spaces, hyphenated = para.measure(i, j)
            flagged = hyphenated or (not last and items[j - 1].after == DASH)
            width = line_width(0 if i == 0 else 1)
            if boxes + spaces * space * (1 - SHRINK) > width + 1e-6:
                if spaces == 0 and i == j - 1:  # one item wider than the measure
                    _relax(best, back, i, j, OVERFULL_DEMERITS, flagged, last)
                break  # adding items further back only makes it longer
            ratio = para.ratio(i, j) if spaces else 1.0 + max(0.0, width - boxes) / space
            demerits = _demerits(ratio, spaces, last, justify, flagged, hyphenated)
            _relax(best, back, i, j, demerits, flagged, last)
    h_end = min(range(hmax + 1), key=lambda h: best[n][h])
    if best[n][h_end] == inf:  # cannot happen while single items are always allowed
        return first_fit(items, space, line_width)
    ends: list[int] = []
    j, h = n, h_end
    while j > 0:
        ends.append(j)
        j, h = back[j][h]
    ends.reverse()
    return para.breaks(ends)


def _demerits(ratio: float, spaces: int, last: bool, justify: bool, flagged: bool,
              hyphenated: bool) -> float:
    """What one line costs: its badness and line penalty squared, plus the price of a
    line end at a hyphenation point (`hyphenated`) or a compound's own hyphen."""
    if spaces == 0 and not last and justify:
        badness = max(LONE_PIECE_BADNESS, _badness(ratio)) if flagged else _badness(ratio)
    elif (last and ratio >= 1.0) or not justify:
        badness = 0.0
    else:
        badness = _badness(ratio)
        if ratio > 1.0 + STRETCH * TOLERANCE:
            badness += LOOSE_BADNESS  # beyond tolerance: only if nothing else works
    demerits = (LINE_PENALTY + badness) ** 2
    if flagged:
        demerits += (HYPHEN_PENALTY if hyphenated else DASH_PENALTY) ** 2
    return demerits


def _relax(best: list[list[float]], back: list[list[tuple[int, int]]], i: int, j: int,
           demerits: float, hyphenated: bool, last: bool) -> None:
    for h, before in enumerate(best[i]):
        if before == float("inf"):
            continue
        total = before + demerits
        if hyphenated:
            h2 = h + 1
            if h2 > MAX_HYPHENS_IN_A_ROW:
                continue
            if h2 >= 2:
                total += DOUBLE_HYPHEN_DEMERITS
        else:
            h2 = 0
        if last and h > 0:
            total += FINAL_HYPHEN_DEMERITS
        if total < best[j][h2]:
            best[j][h2] = total
            back[j][h2] = (i, h)


def first_fit(items: Sequence[Item], space: float,
              line_width: Callable[[int], float]) -> list[LineBreak]:
    """Greedy lines: as many items as fit at natural spacing; a too-long one stands alone.
    Breaks at spaces, a compound's own hyphens and plain breaks, as a browser would: the
    baseline that total-fit is measured against."""
    para = _Paragraph(items, space, line_width)
    ends: list[int] = []
    start = 0
    n = para.n
    while start < n:
        width = line_width(0 if start == 0 else 1)
        end = _next_end(items, start)
        while end < n:
            nxt = _next_end(items, end)
            boxes, spaces, _ = para.measure(start, nxt)
            if boxes + spaces * space > width:
                break
            end = nxt
        ends.append(end)
        start = end
    return para.breaks(ends)


def _next_end(items: Sequence[Item], start: int) -> int:
    end = start + 1
    while end < len(items) and items[end - 1].after == HYPHEN:
        end += 1
    return end
