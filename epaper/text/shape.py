"""HarfBuzz shaping, cached: the only module that imports uharfbuzz."""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb


@dataclass(frozen=True)
class ShapedGlyph:
    """A glyph in font units, with the index of the first character of its cluster, and
    the characters of the text it shows (for the PDF's ToUnicode map)."""

    gid: int
    cluster: int
    advance: int
    x_offset: int
    y_offset: int
    text: str = ""


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
        buf = _run(font, text, script, hb.BufferClusterLevel.MONOTONE_CHARACTERS)
        infos, positions = buf.glyph_infos, buf.glyph_positions
        gids = [i.codepoint for i in infos]
        coarse = [i.cluster for i in infos]
        if len(set(coarse)) == len(coarse):
            # One glyph a cluster: each shows its cluster's characters (a ligature all of
            # them), as HarfBuzz merged nothing.
            ends = coarse[1:] + [len(text)]
            texts = [text[0 if k == 0 else c:e] for k, (c, e) in enumerate(zip(coarse, ends,
                                                                                strict=True))]
            _unswap(texts, gids, font.get_nominal_glyph)
        else:
            # The same text again at cluster level CHARACTERS: HarfBuzz then merges no
            # clusters, so each glyph keeps the index of the character it came from (a
            # pre-base vowel sign moved before its consonant, a reph moved after it).
            # The glyphs and positions are the same at both levels.
            fine = [i.cluster for i in _run(font, text, script,
                                            hb.BufferClusterLevel.CHARACTERS).glyph_infos]
            texts = glyph_texts(text, fine if len(fine) == len(gids) else coarse, coarse,
                                gids, font.get_nominal_glyph)
        glyphs = tuple(
            ShapedGlyph(info.codepoint, info.cluster, pos.x_advance, pos.x_offset,
                        pos.y_offset, t)
            for info, pos, t in zip(infos, positions, texts, strict=True)
        )
        return Shaped(glyphs, sum(g.advance for g in glyphs))


def _run(font: hb.Font, text: str, script: str, level: hb.BufferClusterLevel) -> hb.Buffer:
    buf = hb.Buffer()
    # Cluster indices must be str indices: add_codepoints keeps one cluster per code point.
    buf.add_codepoints([ord(c) for c in text])
    buf.guess_segment_properties()
    if script:
        buf.script = script
    buf.cluster_level = level
    # Latin ligatures (fi, fl) are off: pdfium reads a ligature glyph under an
    # ActualText span back to front ("finance" -> "ecnanif") once a word is drawn in
    # two pieces. Bengali conjuncts come from other features and are untouched.
    features = {"liga": False, "clig": False} if buf.script == "Latn" else {}
    hb.shape(font, buf, features)
    return buf


def _units(chars: str) -> list[str]:
    """Characters, split vowel signs (ো = ে + া) and other canonical compositions taken
    apart: HarfBuzz draws them as their parts."""
    out: list[str] = []
    for ch in chars:
        parts = unicodedata.decomposition(ch)
        if parts and not parts.startswith("<"):
            out += _units("".join(chr(int(p, 16)) for p in parts.split()))
        else:
            out.append(ch)
    return out


def glyph_texts(text: str, fine: list[int], coarse: list[int], gids: list[int],
                nominal: Callable[[int], int | None]) -> list[str]:
    """The characters each glyph shows, from its clusters at level CHARACTERS (`fine`:
    the index of the character it came from; a ligature has one of its components') and
    at MONOTONE_CHARACTERS (`coarse`: reordered glyphs share one cluster).

    A character no glyph came from is a ligature's other component: it goes to the
    glyph of the nearest character before it in the same coarse cluster (ক্ট: ্ and ট to
    the glyph of ক), else after it (টি drawn as one glyph from ি moved before ট). Several
    glyphs from one character (ো drawn as ে … া) share its parts. A glyph HarfBuzz added
    (a dotted circle) gets ""."""
    members: dict[int, list[int]] = {}  # fine cluster -> its glyphs
    for i, c in enumerate(fine):
        members.setdefault(c, []).append(i)
    owned = sorted(members)
    first = {c: glyphs[0] for c, glyphs in members.items()}
    starts = sorted(set(coarse))
    plain = {c for c in owned if len(members[c]) == 1 and c < len(text)
             and nominal(ord(text[c])) == gids[first[c]]}
    chunks: dict[int, str] = {c: "" for c in owned}
    for j, ch in enumerate(text):
        chunks[_owner(j, owned, first, coarse, starts, plain)] += ch
    texts = [""] * len(gids)
    for value, chunk in chunks.items():
        mine = members[value]
        for i, share in zip(mine, _share(chunk, [gids[i] for i in mine], nominal),
                            strict=True):
            texts[i] = share
    _unswap(texts, gids, nominal)
    return texts


def _share(chunk: str, gids: list[int], nominal: Callable[[int], int | None]) -> list[str]:
    """One character's text shared by the glyphs drawn for it: each glyph takes the part
    whose own glyph it is; the parts left go, in order, to the glyphs left (the last
    one takes the rest)."""
    if len(gids) == 1:
        return [chunk]
    left = _units(chunk)
    out = [""] * len(gids)
    for k, gid in enumerate(gids):
        own = next((u for u in left if nominal(ord(u)) == gid), None)
        if own is not None:
            out[k] = own
            left.remove(own)
    bare = [k for k in range(len(gids)) if not out[k]]
    if left and not bare:
        out[0] = "".join(left) + out[0]
    for n, k in enumerate(bare):
        out[k] = "".join(left[n:]) if n == len(bare) - 1 else "".join(left[n:n + 1])
    return out


def _unswap(texts: list[str], gids: list[int], nominal: Callable[[int], int | None]) -> None:
    """Two neighbouring glyphs a font swapped in place (the ঁ and া of কাঁচা typed as
    ক া ঁ) keep their positions' clusters: give each its own character back."""
    for i, t in enumerate(texts):
        want = nominal(ord(t)) if len(t) == 1 else None
        if want is None or want == gids[i]:
            continue
        for j in (i - 1, i + 1):
            u = texts[j] if 0 <= j < len(texts) else ""
            if u and gids[j] == want and len(u) == 1 and nominal(ord(u)) == gids[i]:
                texts[i], texts[j] = u, t
                break


def _owner(j: int, owned: list[int], first: dict[int, int], coarse: list[int],
           starts: list[int], plain: set[int]) -> int:
    """The fine cluster character `j` belongs to (see glyph_texts). `plain` are the fine
    clusters drawn as the one glyph of their own character: they show nothing else."""
    if j in first:
        return j
    k = bisect.bisect_left(owned, j)
    near = [c for c in (owned[k - 1] if k else None, owned[k] if k < len(owned) else None)
            if c is not None]
    group = starts[max(bisect.bisect_right(starts, j) - 1, 0)]
    same = [c for c in near if coarse[first[c]] == group]
    for cand in same:
        if cand not in plain:
            return cand
    # ী after a reph ligated with it (ধর্মীয়): the ligature lies further off.
    for c in owned:
        if coarse[first[c]] == group and c not in plain:
            return c
    return (same or near)[0]
