"""Measure a face from its own outlines: headstroke, cap height, letter gap, glyph ink.

Nothing here assumes a particular font: the heights a fallback is matched by and the
spacing punctuation is tightened to are read from the glyphs a desk's fonts really draw.
"""

from __future__ import annotations

import io
import statistics
from functools import cached_property
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

# Bengali base consonants (ক … হ): most hang from the headstroke (matra), a few carry a
# flag above it, so the median of their tops is the headstroke's top.
BENGALI_CONSONANTS = tuple(chr(c) for c in range(0x0995, 0x09BA))
# Capitals with a flat top: no overshoot, so their top is the cap height itself.
FLAT_CAPITALS = tuple("EFHIKLTZ")
# Where a Bengali letter's body lies, as fractions of the headstroke height: under the
# matra and above the baseline, so that the white between two letters is measured where
# the matra does not join them.
BODY_BAND = (0.15, 0.6)
_STEPS = 8  # chords per curve segment when outlines are followed in a band


class _Band(BasePen):
    """Where an outline's contours lie within a horizontal band: for each contour, the
    left and right edge of its part between y = lo and y = hi (font units). Curves are
    followed as polylines of _STEPS chords; each chord is clipped to the band exactly."""

    def __init__(self, glyphs: object, lo: float, hi: float) -> None:
        super().__init__(glyphs)
        self.lo, self.hi = lo, hi
        self.contours: list[tuple[float, float]] = []
        self._at = self._start = (0.0, 0.0)
        self._left, self._right = float("inf"), float("-inf")

    def _x(self, x: float) -> None:
        self._left = min(self._left, x)
        self._right = max(self._right, x)

    def _outside(self, *ys: float) -> bool:
        """A curve whose control points all lie on one side of the band stays there."""
        return all(y < self.lo for y in ys) or all(y > self.hi for y in ys)

    def _moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 - fontTools' API
        self._at = self._start = p
        if self.lo <= p[1] <= self.hi:
            self._x(p[0])

    def _lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        (x0, y0), (x1, y1) = self._at, p
        if self.lo <= y1 <= self.hi:
            self._x(x1)
        for edge in (self.lo, self.hi):
            if (y0 - edge) * (y1 - edge) < 0:
                self._x(x0 + (edge - y0) / (y1 - y0) * (x1 - x0))
        self._at = p

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float],  # noqa: N802
                    p3: tuple[float, float]) -> None:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self._at, p1, p2, p3
        if self._outside(y0, y1, y2, y3):
            self._at = p3
            return
        for k in range(1, _STEPS + 1):
            t = k / _STEPS
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            self._lineTo((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))

    def _qCurveToOne(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:  # noqa: N802
        (x0, y0), (x1, y1), (x2, y2) = self._at, p1, p2
        if self._outside(y0, y1, y2):
            self._at = p2
            return
        for k in range(1, _STEPS + 1):
            t = k / _STEPS
            u = 1 - t
            a, b, c = u * u, 2 * u * t, t * t
            self._lineTo((a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2))

    def _closePath(self) -> None:  # noqa: N802
        if self._at != self._start:
            self._lineTo(self._start)
        if self._left <= self._right:
            self.contours.append((self._left, self._right))
        self._left, self._right = float("inf"), float("-inf")

    _endPath = _closePath


class Outlines:
    """One font file's glyph outlines, measured on demand (in em) and remembered. What
    was measured outlives the run (pickled without the font, which is opened again only
    for a glyph not measured yet): see FontBook.keep_measured."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._font: dict[str, Any] = {}
        tt = self._tt
        self.upem = tt["head"].unitsPerEm
        self._count = len(self._order)
        self._cmap = tt.getBestCmap()
        self._ink: dict[int, tuple[float, float] | None] = {}
        self._body: dict[int, tuple[float, float] | None] = {}
        self._kept: tuple[int, ...] = ()

    def at(self, path: Path) -> Outlines:
        """These outlines, kept by an earlier run, for the same font file at `path`."""
        self.path, self._font = path, {}
        self.mark_kept()
        return self

    def _measured(self) -> tuple[int, ...]:
        # Glyphs measured, and the measurements of the whole face (cached properties).
        return (len(self._ink), len(self._body), len(self.__dict__))

    @property
    def grown(self) -> bool:
        """Whether something was measured since these outlines were opened or kept."""
        return self._measured() != self._kept

    def mark_kept(self) -> None:
        self._kept = self._measured()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_font", "_glyphs")}

    @property
    def _tt(self) -> TTFont:
        if "tt" not in self._font:
            # From bytes, not the file: a TTFont keeps its file open until closed, and
            # these live as long as the FontBook.
            tt = TTFont(io.BytesIO(self.path.read_bytes()))
            # Glyphs named by their index: the font's own names (its `post` table) are
            # not needed, and reading them was most of the time spent opening a font.
            self._font["order"] = [f"g{i}" for i in range(tt["maxp"].numGlyphs)]
            tt.setGlyphOrder(self._font["order"])
            self._font["glyf"] = tt["glyf"] if "glyf" in tt else None
            self._font["tt"] = tt
        return self._font["tt"]

    @property
    def _order(self) -> list[str]:
        self._tt  # noqa: B018 - opens the font, which names the glyphs
        return self._font["order"]  # type: ignore[no-any-return]

    @property
    def _glyf(self) -> Any:
        self._tt  # noqa: B018
        return self._font["glyf"]

    @cached_property
    def _glyphs(self) -> Any:
        """The glyph set, to draw outlines with: only for the band measurements."""
        return self._tt.getGlyphSet()

    def _name(self, char: str) -> str | None:
        return self._cmap.get(ord(char))

    def glyph_id(self, char: str) -> int | None:
        """The glyph the cmap gives `char`, if any."""
        name = self._name(char)
        return None if name is None else int(name[1:])

    def ink(self, gid: int) -> tuple[float, float] | None:
        """Left and right edge of glyph `gid`'s ink from its origin, in em; None for a
        glyph that draws nothing (a space)."""
        if gid not in self._ink:
            self._ink[gid] = None
            box = self._bounds(self._order[gid]) if 0 <= gid < self._count else None
            if box is not None:
                self._ink[gid] = (box[0] / self.upem, box[2] / self.upem)
        return self._ink[gid]

    def _band(self, name: str) -> list[tuple[float, float]]:
        """Left and right edge of each contour of glyph `name` within the body band,
        in font units, left to right."""
        head = self.headstroke or 0.6
        pen = _Band(self._glyphs, BODY_BAND[0] * head * self.upem,
                    BODY_BAND[1] * head * self.upem)
        self._glyphs[name].draw(pen)
        return sorted(pen.contours)

    def body_ink(self, gid: int) -> tuple[float, float] | None:
        """Left and right edge of glyph `gid`'s ink within the body band (under the
        matra), in em: a bar such as া or । is as narrow there as its stroke."""
        if gid not in self._body:
            self._body[gid] = None
            if 0 <= gid < self._count:
                spans = self._band(self._order[gid])
                if spans:
                    self._body[gid] = (min(a for a, _ in spans) / self.upem,
                                       max(b for _, b in spans) / self.upem)
        return self._body[gid]

    @cached_property
    def double_danda_gap(self) -> float | None:
        """The white between the two bars of ॥, in em."""
        name = self._name("\u0965")
        spans = self._band(name) if name else []
        right = spans[0][1] if spans else 0.0
        gaps = []
        for a, b in spans[1:]:
            gaps.append(a - right)
            right = max(right, b)
        return max(gaps) / self.upem if gaps and max(gaps) > 0 else None

    def _bounds(self, name: str) -> tuple[float, float, float, float] | None:
        """The glyph's ink box in font units: the glyf table's own, else from the outline."""
        if self._glyf is not None:
            glyph = self._glyf[name]
            if glyph.numberOfContours == 0:
                return None
            return glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax
        pen = BoundsPen(self._glyphs)
        self._glyphs[name].draw(pen)
        return pen.bounds

    def _tops(self, chars: tuple[str, ...]) -> list[float]:
        tops = []
        for ch in chars:
            name = self._name(ch)
            box = self._bounds(name) if name is not None else None
            if box is not None:
                tops.append(box[3] / self.upem)
        return tops

    @cached_property
    def headstroke(self) -> float | None:
        """Top of the Bengali headstroke: the typical top of the base consonants."""
        tops = self._tops(BENGALI_CONSONANTS)
        return statistics.median(tops) if len(tops) >= 10 else None

    @cached_property
    def cap_height(self) -> float | None:
        """Height of the Latin capitals, from the flat-topped ones."""
        tops = self._tops(FLAT_CAPITALS)
        return statistics.median(tops) if len(tops) >= 3 else None

    @cached_property
    def letter_gap(self) -> float | None:
        """The white between two Bengali letters where the matra does not join them: for
        each base consonant, its left and right bearing within the body band; the median
        of their sums. What a reader takes for letter spacing in this face."""
        if self.headstroke is None:
            return None
        gaps = []
        for ch in BENGALI_CONSONANTS:
            name = self._name(ch)
            if name is None:
                continue
            spans = self._band(name)
            if spans:
                left, right = min(a for a, _ in spans), max(b for _, b in spans)
                advance = self._tt["hmtx"][name][0]
                gaps.append((left + advance - right) / self.upem)
        return statistics.median(gaps) if gaps else None
