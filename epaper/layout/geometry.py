"""Grid geometry: slot regions, grid rows, photo crops."""

from __future__ import annotations

import math
from dataclasses import dataclass

from epaper.model.frame import Box
from epaper.model.template import PageTemplate, Slot

EPS = 1e-6
BASELINE_IN_ROW = 0.72  # body baseline sits this far down its grid row (of the leading)


@dataclass(frozen=True)
class Region:
    """A slot resolved on a page: its box and the grid rows wholly inside it."""

    slot: Slot
    page: PageTemplate
    box: Box
    row0: int
    row_end: int  # exclusive

    def row_top(self, row: int) -> float:
        return self.page.margin_top + row * self.page.grid.baseline

    def baseline(self, row: int) -> float:
        return self.row_top(row) + self.page.grid.baseline * BASELINE_IN_ROW

    def row_at_or_below(self, y: float) -> int:
        """The first grid row whose top is at or below y."""
        rel = (y - self.page.margin_top) / self.page.grid.baseline
        return max(self.row0, math.ceil(rel - 1e-4))

    def text_columns(self, n: int) -> list[tuple[float, float]]:
        gutter = self.page.grid.gutter
        width = (self.box.width - (n - 1) * gutter) / n
        return [(self.box.x0 + i * (width + gutter), self.box.x0 + i * (width + gutter) + width)
                for i in range(n)]


def region(page: PageTemplate, slot: Slot) -> Region:
    x0 = page.column_x(slot.col)
    x1 = page.column_x(slot.col + slot.span - 1) + page.column_width
    y0 = page.margin_top + slot.top
    y1 = y0 + slot.height
    lead = page.grid.baseline
    row0 = math.ceil(slot.top / lead - 1e-4)
    row_end = math.floor((slot.top + slot.height) / lead + 1e-4)
    if "bottom" in slot.rules:
        row_end -= 1  # the rule lives in the last row
    return Region(slot, page, Box(x0, y0, x1, y1), row0, row_end)


def crop_for(px: tuple[int, int], frame_w: float, frame_h: float,
             focus: tuple[float, float]) -> tuple[float, float, float, float]:
    """The source rectangle filling the frame's shape, as near the focus as fits."""
    pw, ph = px
    target = frame_w / frame_h
    if pw / ph > target:
        cw, ch = ph * target, float(ph)
    else:
        cw, ch = float(pw), pw / target
    left = min(max(focus[0] * pw - cw / 2, 0.0), pw - cw)
    top = min(max(focus[1] * ph - ch / 2, 0.0), ph - ch)
    return (left, top, left + cw, top + ch)
