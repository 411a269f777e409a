"""Line breaking: total-fit (Knuth–Plass) over items and their breaks, first-fit fallback.

A paragraph is a list of items — words, or the pieces of a word between its hyphenation
points — each saying what follows it: a word space (stretches and shrinks, a line may end
there), a hyphenation point (a line may end there and then gets a hyphen, at a price), a
break the word carries itself (after the hyphen of "above-normal" or a dash: a line may
end there with nothing added, at a smaller price) or a plain break (after a piece of a
word too wide for any line).

Justification has stages, as in pdfTeX with microtype: word spaces stretch (and shrink)
first; past EXPAND_FROM times their width the line's glyphs widen, all alike, by up to
MAX_EXPAND (font expansion, drawn with PDF `Tz`); a line set wholly in Latin then takes
a little letter-spacing; only then do the spaces grow further. A line too full for its
shrunk spaces narrows its glyphs the same way. Bengali is never letter-spaced — spacing
its letters breaks the headstroke — but scaling every glyph of a line alike keeps it
joined. The cost of a line follows what a reader sees: its widest gap, and a gap wider
than HOLE_EM (a hole) costs more than several lines that are only a little loose.
"""

from __future__ import annotations

import math
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

# Font expansion: a whole line's glyphs scaled horizontally by at most ±MAX_EXPAND
# (microtype's stretch=20, shrink=20). Glyphs widen only once the word spaces have
# reached EXPAND_FROM times their natural width, and narrow only once the spaces are
# shrunk in full; a line that needs neither keeps its glyphs as they are.
MAX_EXPAND = 0.02
EXPAND_FROM = 1.5
SCALE_PLACES = 4  # scales in steps of 0.01 %: exactly what the PDF's Tz (2 decimals) says
SCALE_BADNESS = 30.0  # badness a line scaled the whole MAX_EXPAND adds: none when unneeded
# A loose line set wholly in Latin, its glyphs widened in full, takes up to
# MAX_LATIN_TRACK em between letters before its spaces pass EXPAND_FROM.
MAX_LATIN_TRACK = 0.015

# A reader sees a line's widest gap: a word space as set plus the blank the glyphs on
# either side leave within their advances (side bearings: Item.lead and Item.tail). The
# spaces of a justified line are set so that these gaps come out alike (`even_gaps`): a
# space beside a round or short-footed glyph gets a little less, so no one gap stands out.
# A gap a reader sees as a hole is one over 0.9 em on the page (bench/holes.py measures
# them on 400 dpi pixels, where a gap reads about 0.02 em wider than the glyphs' outline
# boxes make it: a round glyph reaches its box at one point only), so HOLE_EM, in outline
# terms, is 0.88 em. A hole costs HOLE_DEMERITS on top of its badness: more than any
# number of lines that are loose but show no hole (ten lines at 0.85 em cost about 2e8),
# so one hole is never traded for several loose lines. Each further HOLE_STEP_EM of the
# hole (about a word space) adds HOLE_GROWTH of a hole: a 1.2 em hole costs what 1.5 holes
# at 0.9 em do, so the breaker does not trade small holes for a gaping one freely. That is
# a real trade (bench/holes.py on the sample, per 1000 full justified lines with a gap over
# 0.9 em / lines with one over 2 em): growth 1 gives 103 / 12; 0.5, 99 / 16; 0.35,
# 97 / 21; earlier, with other copy: 0.15, 98 / 40; no hole cost at all, 121 / 11; word
# spaces alone, 242 / 28. 0.5 keeps the count of holes a reader sees under the desk's
# limit (100 per 1000) at the price of four more lines over 2 em in 3495.
NATURAL_SPACE_EM = 0.3  # em of a word space when the caller gives no font size
HOLE_EM = 0.88
HOLE_DEMERITS = 1e12
HOLE_GROWTH = 0.5
HOLE_STEP_EM = 0.3


@dataclass(frozen=True)
class Item:
    """A box of text and what follows it."""

    width: float
    after: str = SPACE  # SPACE | HYPHEN | DASH | BREAK
    hyphen: float = 0.0  # width the hyphen adds when a line ends here (HYPHEN only)
    lead: float = 0.0  # blank before its first ink, and after its last (side bearings): a
    tail: float = 0.0  # gap a reader sees is the word space plus the two beside it
    glyphs: int = 0  # glyphs it draws: a Latin line's letter gaps, for its letter-spacing
    latin: bool = False  # Latin text only: may be letter-spaced


@dataclass(frozen=True)
class LineBreak:
    start: int  # index of the first item
    end: int  # index after the last item
    ratio: float  # word-space width used / natural (1.0 = natural)
    last: bool
    overfull: bool = False
    hyphenated: bool = False  # ends at a hyphenation point: draw the hyphen
    scale: float = 1.0  # horizontal scale of the line's glyphs (font expansion)


@dataclass(frozen=True)
class Fit:
    """How a line fills its measure: word spaces at `ratio` times their natural width,
    every glyph scaled horizontally by `scale`, and `track` points (before scaling) after
    each glyph of a word but its last (letter-spacing, Latin lines only)."""

    ratio: float
    scale: float = 1.0
    track: float = 0.0


def justify_line(boxes: float, spaces: int, space: float, width: float, letters: int = 0,
                 max_track: float = 0.0) -> Fit:
    """The Fit that makes `boxes` plus `spaces` word spaces of `space` fill `width`:
    spaces first, then glyphs by up to MAX_EXPAND, then (if the line has `letters` gaps
    between letters that may be spaced) up to `max_track` per gap, then spaces again.
    With no space, the glyphs only narrow if the line needs it."""
    return Fit(*_justified(boxes, spaces, space, width, letters, max_track))


def _justified(boxes: float, spaces: int, space: float, width: float, letters: int,
               max_track: float) -> tuple[float, float, float]:
    """justify_line's (ratio, scale, track), without the dataclass: the line breaker asks
    this of every candidate line."""
    if spaces == 0:
        return 1.0, _narrowed(boxes, 0.0, width), 0.0
    ratio = (width - boxes) / (spaces * space)
    if ratio < 1.0 - SHRINK:
        scale = _narrowed(boxes, spaces * space * (1.0 - SHRINK), width)
        return (width - boxes * scale) / (spaces * space), scale, 0.0
    if ratio <= EXPAND_FROM:
        return ratio, 1.0, 0.0
    scale = min(1.0 + MAX_EXPAND,
                round((width - spaces * space * EXPAND_FROM) / boxes, SCALE_PLACES))
    rest = width - boxes * scale - spaces * space * EXPAND_FROM
    track = min(max_track, rest / (letters * scale)) if letters and rest > 0 else 0.0
    return (width - (boxes + letters * track) * scale) / (spaces * space), scale, track


def even_gaps(bearings: Sequence[float], total: float, floor: float) -> list[float]:
    """Word spaces sharing `total` so that the gaps a reader sees — each space plus the
    side bearings beside it (`bearings`) — are all alike, no space under `floor`. When
    `total` cannot give every space its floor, they share it alike."""
    n = len(bearings)
    if n == 0 or total < floor * n:
        return [total / n] * n if n else []
    fixed: set[int] = set()  # spaces held at the floor: their bearings alone are wider
    while True:
        free = [k for k in range(n) if k not in fixed]
        seen = (total - floor * len(fixed) + sum(bearings[k] for k in free)) / len(free)
        low = {k for k in free if seen - bearings[k] < floor}
        if not low:  # the last free space never falls under the floor: this ends
            return [floor if k in fixed else seen - bearings[k] for k in range(n)]
        fixed |= low


def natural_line(boxes: float, spaces: int, space: float, width: float) -> Fit:
    """The Fit of a line set at natural spacing (a paragraph's last line, a ragged one):
    shrunk, spaces first, only when it would not fit otherwise."""
    if boxes + spaces * space <= width or boxes <= 0:
        return Fit(1.0)
    if spaces and boxes + spaces * space * (1.0 - SHRINK) <= width:
        return Fit((width - boxes) / (spaces * space))
    scale = _narrowed(boxes, spaces * space * (1.0 - SHRINK), width)
    ratio = max(0.0, (width - boxes * scale) / (spaces * space)) if spaces else 1.0
    return Fit(ratio, scale)


def _narrowed(boxes: float, rest: float, width: float) -> float:
    """The scale, at most MAX_EXPAND below 1, that fits `boxes` beside `rest` in `width`."""
    if boxes <= 0 or boxes + rest <= width:
        return 1.0
    step = 10**SCALE_PLACES  # rounded down: the line must fit
    return max(1.0 - MAX_EXPAND, math.floor((width - rest) / boxes * step) / step)


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
                 line_width: Callable[[int], float], em: float = 0.0) -> None:
        self.items = items
        self.space = space
        self.line_width = line_width
        self.em = em or space / NATURAL_SPACE_EM
        self.n = len(items)
        self.width = [0.0]
        self.spaces = [0]
        self.glyphs = [0]
        self.other = [0]  # items that are not Latin: a line with one is never letter-spaced
        for it in items:
            self.width.append(self.width[-1] + it.width)
            self.spaces.append(self.spaces[-1] + (1 if it.after == SPACE else 0))
            self.glyphs.append(self.glyphs[-1] + it.glyphs)
            self.other.append(self.other[-1] + (not it.latin))

    def measure(self, i: int, j: int) -> tuple[float, int, bool]:
        """Items i..j-1 on one line: width of their boxes (with a hyphen if the line ends at
        a hyphenation point), stretchable spaces inside, and whether it is hyphenated."""
        last = self.items[j - 1]
        hyphenated = j < self.n and last.after == HYPHEN
        boxes = self.width[j] - self.width[i] + (last.hyphen if hyphenated else 0.0)
        return boxes, self.spaces[j - 1] - self.spaces[i], hyphenated

    def ratio(self, i: int, j: int) -> float:
        """The word-space ratio with word spaces alone (no glyph scaling): bench/justify.py."""
        boxes, spaces, _ = self.measure(i, j)
        width = self.line_width(0 if i == 0 else 1)
        if spaces == 0:
            return 1.0
        if j == self.n and boxes + spaces * self.space <= width:
            return 1.0
        return (width - boxes) / (spaces * self.space)

    def adjust(self, i: int, j: int, justify: bool = True) -> Fit:
        """How items i..j-1 set as one line fill it: justified, or at natural spacing for
        a paragraph's last line and ragged text."""
        boxes, spaces, _ = self.measure(i, j)
        width = self.line_width(0 if i == 0 else 1)
        if j == self.n or not justify:
            return natural_line(boxes, spaces, self.space, width)
        return Fit(*self.justified(i, j, boxes, spaces, width))

    def justified(self, i: int, j: int, boxes: float, spaces: int, width: float
                  ) -> tuple[float, float, float]:
        letters = 0
        if self.other[j] == self.other[i]:  # wholly Latin: between letters of each word
            letters = max(0, self.glyphs[j] - self.glyphs[i] - spaces - 1)
        return _justified(boxes, spaces, self.space, width, letters, MAX_LATIN_TRACK * self.em)

    def overfull(self, i: int, j: int) -> bool:
        """Too long even with its spaces and glyphs narrowed as far as they go."""
        boxes, spaces, _ = self.measure(i, j)
        width = self.line_width(0 if i == 0 else 1)
        return boxes * (1 - MAX_EXPAND) + spaces * self.space * (1 - SHRINK) > width + 1e-6

    def breaks(self, ends: list[int], justify: bool = True) -> list[LineBreak]:
        out: list[LineBreak] = []
        start = 0
        for end in ends:
            hyphenated = self.measure(start, end)[2]
            fit = self.adjust(start, end, justify)
            out.append(LineBreak(start, end, fit.ratio, end == self.n,
                                 self.overfull(start, end), hyphenated, fit.scale))
            start = end
        return out


def total_fit(
    items: Sequence[Item],
    space: float,
    line_width: Callable[[int], float],
    *,
    justify: bool = True,
    em: float = 0.0,
) -> list[LineBreak]:
    """Break `items` into lines minimising total demerits.

    `line_width(0)` is the first line's measure (it may carry an indent), `line_width(1)`
    every later one. At most MAX_HYPHENS_IN_A_ROW hyphenated lines follow each other.
    `em` is the font size, the unit of the gaps a reader sees (default: `space` taken as
    NATURAL_SPACE_EM).
    """
    para = _Paragraph(items, space, line_width, em)
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
    reached = [True] + [False] * n  # some setting of the lines before ends at item i
    widths = (line_width(0), line_width(1))
    tight = space * (1 - SHRINK)
    for j in range(1, n + 1):
        last = j == n
        if not last and items[j - 1].after not in (SPACE, HYPHEN, DASH, BREAK):
            continue
        bearings = 0.0  # side bearings beside the line's spaces, all together
        for i in range(j - 1, -1, -1):
            if i < j - 1 and items[i].after == SPACE:
                bearings += items[i].tail + items[i + 1].lead
            if not reached[i]:
                continue
            boxes, spaces, hyphenated = para.measure(i, j)
            flagged = hyphenated or (not last and items[j - 1].after == DASH)
            width = widths[0 if i == 0 else 1]
            if boxes * (1 - MAX_EXPAND) + spaces * tight > width + 1e-6:  # overfull
                if spaces == 0 and i == j - 1:  # one item wider than the measure
                    reached[j] = _relax(best, back, i, j, OVERFULL_DEMERITS, flagged,
                                        last) or reached[j]
                break  # adding items further back only makes it longer
            demerits = _line_demerits(para, i, j, (boxes, spaces, width), justify, flagged,
                                      hyphenated, bearings)
            reached[j] = _relax(best, back, i, j, demerits, flagged, last) or reached[j]
    h_end = min(range(hmax + 1), key=lambda h: best[n][h])
    if best[n][h_end] == inf:  # cannot happen while single items are always allowed
        return first_fit(items, space, line_width)
    ends: list[int] = []
    j, h = n, h_end
    while j > 0:
        ends.append(j)
        j, h = back[j][h]
    ends.reverse()
    return para.breaks(ends, justify)


def _line_demerits(para: _Paragraph, i: int, j: int, measured: tuple[float, int, float],
                   justify: bool, flagged: bool, hyphenated: bool, bearings: float) -> float:
    """Items i..j-1 as one line (`measured`: its boxes, spaces and measure): how it is set
    and what that costs. Its spaces are set so that the gaps a reader sees come out alike
    (`even_gaps`): each is the mean space plus the mean of the side bearings at its
    spaces (`bearings`, summed)."""
    boxes, spaces, width = measured
    last = j == para.n
    if last or not justify:
        fit = natural_line(boxes, spaces, para.space, width)
        ratio, scale = fit.ratio, fit.scale
    else:
        ratio, scale, _ = para.justified(i, j, boxes, spaces, width)
    gap = 0.0  # widest gap, em: only justified lines show one
    if spaces == 0 and not last and justify:
        # One word alone, flush left: the hole after it counts as a space that wide.
        hole = max(0.0, width - boxes * scale)
        ratio = 1.0 + hole / para.space
        gap = hole / para.em
    elif justify and not last:
        gap = (ratio * para.space + scale * bearings / spaces) / para.em
    return _demerits(ratio, scale, spaces, last, justify, flagged, hyphenated, gap)


def _demerits(ratio: float, scale: float, spaces: int, last: bool, justify: bool,
              flagged: bool, hyphenated: bool, gap: float = 0.0) -> float:
    """What one line costs: its badness and line penalty squared, plus the price of a
    line end at a hyphenation point (`hyphenated`) or a compound's own hyphen, plus
    HOLE_DEMERITS when its widest gap (`gap`, em) is a hole."""
    if spaces == 0 and not last and justify:
        badness = max(LONE_PIECE_BADNESS, _badness(ratio)) if flagged else _badness(ratio)
    elif (last and ratio >= 1.0) or not justify:
        badness = 0.0
    else:
        badness = _badness(ratio)
        if ratio > 1.0 + STRETCH * TOLERANCE:
            badness += LOOSE_BADNESS  # beyond tolerance: only if nothing else works
    if scale != 1.0:  # never with MAX_EXPAND = 0 (expansion off)
        badness += SCALE_BADNESS * (abs(scale - 1.0) / MAX_EXPAND) ** 3
    demerits = (LINE_PENALTY + badness) ** 2
    if gap > HOLE_EM:
        demerits += HOLE_DEMERITS * (1.0 + HOLE_GROWTH * (gap - HOLE_EM) / HOLE_STEP_EM)
    if flagged:
        demerits += (HYPHEN_PENALTY if hyphenated else DASH_PENALTY) ** 2
    return demerits


def _relax(best: list[list[float]], back: list[list[tuple[int, int]]], i: int, j: int,
           demerits: float, hyphenated: bool, last: bool) -> bool:
    """Lines up to item i, then items i..j-1 as one line: keep what beats the best way
    found so far to end a line at j. Says whether a way to end there was found."""
    found = False
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
        found = True
    return found


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
