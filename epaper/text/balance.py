"""Balanced ragged lines for headlines, kickers and decks: the same number of lines as
the fewest that fit, broken so that their lengths are as even as they can be.

A total fit over a ragged cost: the sum of every line's squared slack (the white it
leaves at its end), the last line's included but at a lower weight, so that the last
line comes out a little shorter than the others and never much shorter; a price on a
last line that holds one word alone, so that "…আটকে গেল / কিংস" is set only when no
other break keeps the number of lines; one on a line ending in a number, which belongs
with the word it counts ("২৪ / ঘণ্টার"); and a small reward for a line ending where a
clause ends (after a comma or a colon).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from epaper.text.linebreak import HYPHEN, SHRINK, SPACE, Item, LineBreak

# A line that ends inside a word (after a compound's own hyphen, a dash or a piece of a
# word too wide for the line) costs this many squared measures: only when nothing else
# gives the same number of lines.
INSIDE_WORD_COST = 4.0
# A last line of one word alone costs this many squared measures.
LONE_LAST_WORD_COST = 1.0
# A line that has to shrink its spaces costs its overflow this many times over.
SHRINK_WEIGHT = 4.0
# The last line's squared slack counts a little less than the others': of two lines the
# last comes out a little shorter (its slack 1.25 times the first's), never much shorter.
LAST_LINE_WEIGHT = 0.8
# A line ending in a number, when the word it counts starts the next line.
NUMBER_END_COST = 0.25
# A line ending at a clause's end (after a comma, a colon, a dash) reads better: the
# break may cost this much more slack than the most even one.
CLAUSE_END_COST = -0.05
CLAUSE_ENDS = tuple(",;:।–—")
_NUMBER = re.compile(r"^[(\[“‘]?[৳$€£]?[0-9০-৯][0-9০-৯.,:/]*$")


def end_costs(texts: Sequence[str]) -> list[float]:
    """What a line break after each word costs beyond its slack, in squared measures."""
    return [NUMBER_END_COST if _NUMBER.match(t) else
            CLAUSE_END_COST if t.endswith(CLAUSE_ENDS) else 0.0 for t in texts]


class _Ragged:
    """A paragraph's items with prefix sums: any candidate line's cost in constant time."""

    def __init__(self, items: Sequence[Item], space: float,
                 line_width: Callable[[int], float], lines: int,
                 costs: Sequence[float]) -> None:
        self.items, self.space, self.line_width = items, space, line_width
        self.lines, self.costs = lines, costs
        self.n = len(items)
        self.width = [0.0]
        self.spaces = [0]
        for it in items:
            self.width.append(self.width[-1] + it.width)
            self.spaces.append(self.spaces[-1] + (1 if it.after == SPACE else 0))
        measure = max(line_width(0), line_width(1))
        self.unit = measure * measure  # the extra prices are in squared measures

    def line(self, i: int, j: int) -> tuple[float, int, float]:
        """Items i..j-1 as one line: width of its boxes, its spaces, and its measure."""
        last = self.items[j - 1]
        hyphen = last.hyphen if j < self.n and last.after == HYPHEN else 0.0
        return (self.width[j] - self.width[i] + hyphen, self.spaces[j - 1] - self.spaces[i],
                self.line_width(0 if i == 0 else 1))

    def cost(self, i: int, j: int) -> float | None:
        """What items i..j-1 cost as one line; None if the line cannot hold them even
        with its spaces shrunk (a single item always makes a line)."""
        boxes, gaps, room = self.line(i, j)
        if boxes + gaps * self.space * (1 - SHRINK) > room + 1e-6 and j - i > 1:
            return None
        slack = room - boxes - gaps * self.space
        cost = slack * slack * (1.0 if slack >= 0 else SHRINK_WEIGHT)
        if j == self.n:
            cost *= LAST_LINE_WEIGHT
            if self.lines > 1 and gaps == 0:
                cost += LONE_LAST_WORD_COST * self.unit
            return cost
        if self.items[j - 1].after != SPACE:
            cost += INSIDE_WORD_COST * self.unit
        if j - 1 < len(self.costs):
            cost += self.costs[j - 1] * self.unit
        return cost

    def breaks(self, ends: list[int]) -> list[LineBreak]:
        out = []
        start = 0
        for end in ends:
            boxes, gaps, room = self.line(start, end)
            hyphenated = end < self.n and self.items[end - 1].after == HYPHEN
            # Only a line too long for its measure shrinks its spaces; a ragged line
            # keeps them natural.
            ratio = min(1.0, (room - boxes) / (gaps * self.space)) if gaps else 1.0
            overfull = boxes + gaps * self.space * (1 - SHRINK) > room + 1e-6
            out.append(LineBreak(start, end, ratio, end == self.n, overfull, hyphenated))
            start = end
        return out


def balanced(items: Sequence[Item], space: float, line_width: Callable[[int], float],
             lines: int, costs: Sequence[float] = ()) -> list[LineBreak] | None:
    """Break `items` into exactly `lines` lines of even length; None if they cannot be set
    in that many (the caller keeps its own breaks then). `costs`: the extra price of a
    break after each item (`end_costs`), in squared measures."""
    para = _Ragged(items, space, line_width, lines, costs)
    n = para.n
    if n == 0 or lines < 1:
        return None
    inf = float("inf")
    # best[k][j]: least cost of k lines holding items 0..j-1; back[k][j]: where the
    # last of them starts.
    best = [[inf] * (n + 1) for _ in range(lines + 1)]
    back = [[-1] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = 0.0
    for k in range(1, lines + 1):
        for j in range(k, n + 1):
            for i in range(j - 1, k - 2, -1):
                cost = para.cost(i, j)
                if cost is None:
                    break  # starting further back only makes the line longer
                if best[k - 1][i] + cost < best[k][j]:
                    best[k][j] = best[k - 1][i] + cost
                    back[k][j] = i
    if best[lines][n] == inf:
        return None
    ends = [n]
    for k in range(lines, 1, -1):
        ends.append(back[k][ends[-1]])
    return para.breaks(ends[::-1])
