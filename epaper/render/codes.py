"""A page's character codes for one face: each (glyph, text it shows, width) it draws gets
a code of its own, numbered as first drawn (code 0 is .notdef).

The codes are the page's, not a document's: the same drawing goes into the page file and
the edition file, and each file gives the page a font over these codes (embed.py).
"""

from __future__ import annotations

from epaper.render.embed import FontMetrics

# A word space is drawn as one space glyph as wide as the gap, to this step (of 1000
# units to the em): what is left of the gap is far below any extractor's word-break
# threshold (0.1 em and more), so none adds a space of its own beside ours.
SPACE_STEP = 20.0

Code = tuple[int, str, float]  # glyph id, the characters it shows, width (1000 to the em)


class FontCodes:
    """The codes one page draws in one face, and what the content stream needs of them."""

    def __init__(self, name: str, metrics: FontMetrics) -> None:
        self.name = name  # the resource name in content streams
        self.metrics = metrics
        self._cids: list[Code] = [(0, "", metrics.advances[0])]
        self._codes: dict[Code, int] = {}
        self.widths: list[float] = [metrics.advances[0]]  # by code, 1000 to the em
        self.codes: dict[tuple[int, str], int] = {}  # (gid, text) -> code at its own advance
        self.used: set[int] = set()

    def code(self, gid: int, text: str, width: float | None = None) -> int:
        """The code that draws glyph `gid`, reads as `text` and advances `width` (1000 to
        the em; the glyph's own advance by default)."""
        key = (gid, text, self.metrics.advances[gid] if width is None else width)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = len(self._cids)
            self._cids.append(key)
            self.widths.append(key[2])
            self.used.add(gid)
            if width is None:
                self.codes[(gid, text)] = found
        return found

    def space(self, gap: float) -> int | None:
        """A space glyph (read as U+0020) for a gap of `gap` units, or None if the font
        has no space glyph."""
        if self.metrics.space is None:
            return None
        width = max(SPACE_STEP, round(gap / SPACE_STEP) * SPACE_STEP)
        return self.code(self.metrics.space, " ", width)

    @property
    def table(self) -> tuple[Code, ...]:
        """Code -> (glyph, text, width), by code."""
        return tuple(self._cids)
