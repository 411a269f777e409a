"""The FontBook: font families as fallback stacks, face metrics and character coverage."""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont, TTLibError

from epaper import kept
from epaper.errors import FontCoverageError, FontError
from epaper.text.metrics import Outlines
from epaper.yamlio import Located, load_yaml, read_text

STYLES = ("regular", "bold", "italic", "bolditalic")

# Characters HarfBuzz handles without a glyph of their own; never a coverage error.
IGNORABLE = frozenset({0x200C, 0x200D, 0x00AD, 0x200B, 0xFE0F})


# Letters whose outlines measure a face, so that nothing assumes one design's numbers.
# The tallest and deepest common letters and signs (Lohit's ট reaches 0.975 em, Noto's
# 0.63; Noto's ই 0.93 em): what a line of text needs above and below its baseline.
TALL = "ইঈউঊটঠিীৈৌঁbdfhklt0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEEP = "ুূৃgjpqy"
# Bengali consonants whose top is the flat headstroke (matra): its height is where a
# Latin capital beside Bengali should end (issue 12, item 3). Noto 0.622 em, Lohit 0.650.
HEADSTROKE = "কখগঘচজতদনপবমযরলশসহ"


@dataclass(frozen=True)
class Face:
    key: str  # file stem, e.g. "NotoSerifBengali-Regular"
    path: Path
    upem: int
    ascender: float  # em fractions, from OS/2 (the design's line metrics)
    descender: float  # negative
    cap_height: float  # top of H, measured (OS/2 sCapHeight lacks in some); 0: no capitals
    cmap: frozenset[int]
    # Measured from the outlines, in em fractions (0.0: the face has none of the letters):
    top: float = 0.0  # the highest top of its TALL letters
    bottom: float = 0.0  # the lowest bottom of its DEEP letters (negative)
    headstroke: float = 0.0  # top of the Bengali headstroke
    x_height: float = 0.0  # top of x

    def covers(self, char: str) -> bool:
        return ord(char) in self.cmap


@dataclass(frozen=True)
class Spacing:
    """The gaps (em) a face's punctuation is tightened to, after shaping: before a danda
    (। ॥) and after an opening quote. None keeps the font's own side-bearings."""

    before_danda: float | None = None
    after_quote: float | None = None


AUTO = "auto"
SPACING_KEYS = ("before_danda", "after_quote")
MEMBER_KEYS = (*STYLES, "size_adjust", "spacing")
SIZE_ADJUST_RANGE = (0.5, 2.0)
MAX_GAP = 0.5  # em: a wider "gap" is a word space, not a spacing correction
# A danda after a bar (া, ী) keeps this many times the gap between the bars of ॥.
BAR_GAP_FACTOR = 2.0
# The auto size adjustment sets a Latin fallback's capitals this much taller than the
# Bengali headstroke's top, not level with it: with caps level, lowercase (x-height three
# quarters of the caps) reads small beside Bengali letters, whose bodies fill the space
# up to the matra. Measured on pixels, round capitals overshoot by a little more.
CAPS_OVER_HEADSTROKE = 1.04
# An auto adjustment outside this range means the metrics are not what they seem (a
# symbol font, a face without the letters measured): leave it near the nominal size.
AUTO_SCALE_RANGE = (0.75, 1.25)


@dataclass(frozen=True)
class Member:
    """One face of a fallback stack: its font file per style, and how it is set beside
    the stack's first face. `size_adjust` (like CSS `size-adjust`) scales a run set in
    this face; "auto" measures it from the outlines. `spacing` values are em or "auto"
    (measured) or None."""

    files: dict[str, str]
    size_adjust: float | str = AUTO
    spacing: tuple[tuple[str, float | str | None], ...] = ()

    def file(self, style: str) -> str:
        return self.files.get(style) or self.files["regular"]


def _families(meta: Located) -> dict[str, list[Member]]:
    """fonts.yaml's `families:`: each a non-empty list of faces, {regular: file.ttf, …}."""
    example = "families: {serif: [{regular: NotoSerif-Regular.ttf, bold: …}]}"

    def error(message: str, *path: object, hint: str = example) -> FontError:
        return FontError(message, file=meta.file, line=meta.line(*path) or 1,
                         field=".".join(map(str, path)) or None, hint=hint)

    data = meta.data
    if not isinstance(data, dict) or not isinstance(data.get("families"), dict) \
            or not data["families"]:
        raise error("the font index must map families: to font stacks")
    for key in data:
        if key != "families":
            raise error(f"unknown field {key!r}", key, hint="known: families")
    families: dict[str, list[Member]] = {}
    for family, members in data["families"].items():
        if not isinstance(members, list) or not members:
            raise error(f"family {family!r} must be a list of faces (a fallback stack), "
                        f"got {members!r}", "families", family)
        families[family] = [_member(member, error, "families", family, i)
                            for i, member in enumerate(members)]
    return families


def _member(member: object, error: Callable[..., FontError], *path: object) -> Member:
    if not isinstance(member, dict) or not isinstance(member.get("regular"), str):
        raise error("a face must be a mapping with at least regular: FILE.ttf", *path)
    for key, value in member.items():
        if key not in MEMBER_KEYS:
            raise error(f"{key!r}: {value!r} is not a face", *path, key,
                        hint=f"each face maps {', '.join(STYLES)} to a font file, and may "
                        "set size_adjust and spacing")
        if key in STYLES and not isinstance(value, str):
            raise error(f"{key!r}: {value!r} is not a font file", *path, key,
                        hint=f"each face maps {', '.join(STYLES)} to a font file")
    adjust = member.get("size_adjust", AUTO)
    low, high = SIZE_ADJUST_RANGE
    if "size_adjust" in member and path[-1] == 0:
        raise error("the first face of a stack sets the size: size_adjust belongs on a "
                    "fallback face", *path, "size_adjust",
                    hint="move it to the face it should scale")
    if adjust != AUTO and (isinstance(adjust, bool) or not isinstance(adjust, int | float)
                           or not low <= adjust <= high):
        raise error(f"size_adjust must be auto or a number from {low} to {high}, got "
                    f"{adjust!r}", *path, "size_adjust",
                    hint="e.g. size_adjust: 0.9 sets this face at 90 % of the size")
    spacing = member.get("spacing", {})
    if not isinstance(spacing, dict):
        raise error(f"spacing must be a mapping, got {spacing!r}", *path, "spacing",
                    hint="e.g. spacing: {before_danda: auto, after_quote: 0.08}")
    for key, value in spacing.items():
        ok = value is None or value == AUTO or (
            isinstance(value, int | float) and not isinstance(value, bool)
            and 0 <= value <= MAX_GAP)
        if key not in SPACING_KEYS or not ok:
            raise error(f"spacing {key!r}: {value!r} is not a gap", *path, "spacing", key,
                        hint=f"keys: {', '.join(SPACING_KEYS)}; each auto, null (the "
                        f"font's own) or a gap in em from 0 to {MAX_GAP}")
    files = {k: v for k, v in member.items() if k in STYLES}
    return Member(files, adjust, tuple(sorted(spacing.items())))


class _Outlines:
    """Ink extents of a face's letters, in em fractions (glyf or CFF outlines alike)."""

    def __init__(self, tt: TTFont, cmap: dict[int, str], upem: int) -> None:
        self._tt = tt
        self._cmap = cmap
        self._upem = upem

    def _bounds(self, chars: str) -> list[tuple[float, float]]:
        names = [n for n in (self._cmap.get(ord(ch)) for ch in chars) if n is not None]
        out = []
        if "glyf" in self._tt:  # TrueType: each glyph's header holds its box
            glyf = self._tt["glyf"]
            for name in names:
                g = glyf[name]
                if g.numberOfContours:
                    out.append((g.yMin / self._upem, g.yMax / self._upem))
            return out
        glyphs = self._tt.getGlyphSet()
        for name in names:
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            if pen.bounds is not None:
                out.append((pen.bounds[1] / self._upem, pen.bounds[3] / self._upem))
        return out

    def tops(self, chars: str, pick: Callable[[list[float]], float]) -> float:
        found = [top for _bottom, top in self._bounds(chars)]
        return round(pick(found), 3) if found else 0.0

    def bottoms(self, chars: str) -> float:
        found = [bottom for bottom, _top in self._bounds(chars)]
        return round(min(found), 3) if found else 0.0


def _style_name(bold: bool, italic: bool) -> str:
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


class FontBook:
    """Fonts of one run, loaded from a fonts folder's `fonts.yaml`; no process-wide state."""

    def __init__(self, fonts_dir: Path) -> None:
        self.dir = fonts_dir
        index = fonts_dir / "fonts.yaml"
        meta = load_yaml(read_text(index, FontError, "font index"), index, FontError)
        self._families: dict[str, list[Member]] = _families(meta)
        self._faces: dict[str, Face] = {}
        self._outlines: dict[str, Outlines] = {}
        # Per (family, style): asked for every word shaped, measured once.
        self._scales: dict[tuple[str, bool, bool], tuple[float, ...]] = {}
        self._spacing: dict[tuple[str, bool, bool], tuple[Spacing, ...]] = {}
        self._covered: dict[tuple[Face, ...], frozenset[int]] = {}
        self._stacks: dict[tuple[str, bool, bool], tuple[Face, ...]] = {}

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(self._families)

    def face(self, key: str) -> Face:
        found = self._faces.get(key)
        if found is None:
            found = self._faces[key] = self._load(key)
        return found

    def _load(self, key: str) -> Face:
        path = self.dir / f"{key}.ttf"
        known = kept.recall("face", path)
        if isinstance(known, Face):  # the same font file, measured by an earlier run
            return replace(known, key=key, path=path)
        face = self._measure(key, path)
        kept.keep("face", path, face)
        return face

    def _measure(self, key: str, path: Path) -> Face:
        try:
            tt = TTFont(path, lazy=True)
            upem = tt["head"].unitsPerEm
            os2 = tt["OS/2"]
            best = tt.getBestCmap()
            measure = _Outlines(tt, best, upem)
            face = Face(
                key=key,
                path=path,
                upem=upem,
                ascender=os2.sTypoAscender / upem,
                descender=os2.sTypoDescender / upem,
                cap_height=measure.tops("H", max) or getattr(os2, "sCapHeight", 0) / upem,
                cmap=frozenset(best),
                top=measure.tops(TALL, max),
                bottom=measure.bottoms(DEEP),
                headstroke=measure.tops(HEADSTROKE, statistics.median),
                x_height=measure.tops("x", max),
            )
            tt.close()
            return face
        except (OSError, TTLibError, KeyError) as exc:
            raise FontError(f"cannot read font: {exc}", file=path) from exc

    def _members(self, family: str) -> list[Member]:
        members = self._families.get(family)
        if not members:
            raise FontError(
                f"unknown font family {family!r}",
                file=self.dir / "fonts.yaml",
                hint=f"families are: {', '.join(self._families)}",
            )
        return members

    def stack(self, family: str, bold: bool = False, italic: bool = False) -> tuple[Face, ...]:
        found = self._stacks.get((family, bold, italic))
        if found is None:
            style = _style_name(bold, italic)
            found = tuple(self.face(Path(m.file(style)).stem) for m in self._members(family))
            self._stacks[(family, bold, italic)] = found
        return found

    def outlines(self, key: str) -> Outlines:
        found = self._outlines.get(key)
        if found is None:
            path = self.face(key).path
            known = kept.recall("outlines", path)
            found = known.at(path) if isinstance(known, Outlines) else Outlines(path)
            self._outlines[key] = found
        return found

    def keep_measured(self) -> None:
        """Keep what was measured of the outlines since they were opened, for the next run
        (epaper.kept): a page's layout measures the glyphs of its own text."""
        for outlines in self._outlines.values():
            if outlines.grown:
                kept.keep("outlines", outlines.path, outlines)
                outlines.mark_kept()

    def ink(self, key: str, gid: int) -> tuple[float, float] | None:
        """Left and right edge of a glyph's ink from its origin, in em (None: no ink)."""
        return self.outlines(key).ink(gid)

    def body_ink(self, key: str, gid: int) -> tuple[float, float] | None:
        """Left and right edge of a glyph's ink under the matra, in em (None: none)."""
        return self.outlines(key).body_ink(gid)

    def bar_gap(self, key: str) -> float | None:
        """The least gap (em) between a bar (া ী) and a danda in this face: twice the
        white between the bars of its ॥, so that "তা।" does not read as "ত॥"."""
        gap = self.outlines(key).double_danda_gap
        return None if gap is None else BAR_GAP_FACTOR * gap

    def scales(self, family: str, bold: bool = False, italic: bool = False
               ) -> tuple[float, ...]:
        """Each face's size relative to the stack's first face: what a run in that face
        is set at, times the nominal size, when the first face's script is the text's
        own (and divided by it when the text's own face is the fallback)."""
        key = (family, bold, italic)
        found = self._scales.get(key)
        if found is None:
            stack = self.stack(family, bold, italic)
            out = [1.0]
            for member, face in zip(self._members(family)[1:], stack[1:], strict=True):
                adjust = member.size_adjust
                out.append(self._auto_scale(stack[0], face) if adjust == AUTO
                           else float(adjust))
            found = self._scales[key] = tuple(out)
        return found

    def _auto_scale(self, first: Face, face: Face) -> float:
        """`face` scaled so that its reference height meets the first face's: Latin cap
        height against the Bengali headstroke (see CAPS_OVER_HEADSTROKE)."""
        ref, own = self._reference(first), self._reference(face)
        if ref is None or own is None:
            return 1.0
        low, high = AUTO_SCALE_RANGE
        return min(max(ref / own, low), high)

    def _reference(self, face: Face) -> float | None:
        outlines = self.outlines(face.key)
        if outlines.headstroke is not None:
            return outlines.headstroke * CAPS_OVER_HEADSTROKE
        return outlines.cap_height

    def spacing(self, family: str, bold: bool = False, italic: bool = False
                ) -> tuple[Spacing, ...]:
        """Each face's punctuation gaps in em: the configured ones, "auto" measured as
        the face's own letter gap (a face without Bengali letters keeps its spacing)."""
        key = (family, bold, italic)
        found = self._spacing.get(key)
        if found is None:
            out = []
            for member, face in zip(self._members(family), self.stack(family, bold, italic),
                                    strict=True):
                given = dict(member.spacing)
                gap = self.outlines(face.key).letter_gap
                out.append(Spacing(*[gap if given.get(k, AUTO) == AUTO else given[k]
                                     for k in SPACING_KEYS]))
            found = self._spacing[key] = tuple(out)
        return found

    def check_coverage(self, text: str, family: str, *, where: str, line: int = 0,
                       field: str | None = None, bold: bool = False,
                       italic: bool = False) -> None:
        """Raise FontCoverageError for the first character no face of the stack can draw."""
        stack = self.stack(family, bold, italic)
        covered = self._covered.get(stack)
        if covered is None:
            covered = self._covered[stack] = frozenset().union(*(f.cmap for f in stack))
        missing = {ch for ch in text if ord(ch) not in covered}
        if not missing:  # the usual case: one set difference, not a loop over faces
            return
        for ch in text:
            cp = ord(ch)
            if ch.isspace() or cp in IGNORABLE or cp in covered:
                continue
            name = unicodedata.name(ch, "unnamed character")
            raise FontCoverageError(
                f"U+{cp:04X} {name} ({ch!r}) is in no font of family {family!r} "
                f"(tried {', '.join(f.key for f in stack)})",
                file=where,
                line=line or None,
                field=field,
                hint="replace the character, or add a font that has it to fonts/fonts.yaml",
                find=ch,
            )
