"""HarfBuzz shaping, cached: the only module that imports uharfbuzz."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb


@dataclass(frozen=True)
class ShapedGlyph:
    """A glyph in font units, with the index of the first character of its cluster."""

    gid: int
    cluster: int
    advance: int
    x_offset: int
    y_offset: int


@dataclass(frozen=True)
class Shaped:
    glyphs: tuple[ShapedGlyph, ...]
    advance: int  # total, font units


class Shaper:
    """Shapes text per face; each distinct (face, text) is shaped once per run."""

    def __init__(self) -> None:
        self._fonts: dict[str, hb.Font] = {}
        self._cache: dict[tuple[str, str, str], Shaped] = {}
        self._extents: dict[tuple[str, int], tuple[int, int] | None] = {}
        self.hits = 0
        self.misses = 0

    def add_face(self, key: str, path: Path) -> None:
        if key not in self._fonts:
            face = hb.Face(hb.Blob.from_file_path(str(path)))
            self._fonts[key] = hb.Font(face)

    def shape(self, key: str, text: str, script: str = "") -> Shaped:
        cache_key = (key, text, script)
        found = self._cache.get(cache_key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        shaped = self._shape(self._fonts[key], text, script)
        self._cache[cache_key] = shaped
        return shaped

    def ink(self, key: str, gid: int) -> tuple[int, int] | None:
        """A glyph's inked stretch, left and right of its origin in font units; None for
        a glyph that draws nothing (a space)."""
        if (key, gid) not in self._extents:
            ext = self._fonts[key].get_glyph_extents(gid)
            self._extents[(key, gid)] = None if ext is None or ext.width == 0 else (
                min(ext.x_bearing, ext.x_bearing + ext.width),
                max(ext.x_bearing, ext.x_bearing + ext.width))
        return self._extents[(key, gid)]

    @staticmethod
    def _shape(font: hb.Font, text: str, script: str) -> Shaped:
        buf = hb.Buffer()
        # Cluster indices must be str indices: add_codepoints keeps one cluster per code point.
        buf.add_codepoints([ord(c) for c in text])
        buf.guess_segment_properties()
        if script:
            buf.script = script
        buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
        # Latin ligatures (fi, fl) are off: pdfium reads a ligature glyph under an
        # ActualText span back to front ("finance" -> "ecnanif") once a word is drawn in
        # two pieces. Bengali conjuncts come from other features and are untouched.
        features = {"liga": False, "clig": False} if buf.script == "Latn" else {}
        hb.shape(font, buf, features)
        glyphs = tuple(
            ShapedGlyph(info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
            for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
        )
        return Shaped(glyphs, sum(g.advance for g in glyphs))
