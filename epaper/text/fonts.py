"""The FontBook: font families as fallback stacks, face metrics and character coverage."""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont, TTLibError

from epaper.errors import FontCoverageError, FontError
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


def _families(meta: Located) -> dict[str, list[dict[str, str]]]:
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
    for family, members in data["families"].items():
        if not isinstance(members, list) or not members:
            raise error(f"family {family!r} must be a list of faces (a fallback stack), "
                        f"got {members!r}", "families", family)
        for i, member in enumerate(members):
            if not isinstance(member, dict) or not isinstance(member.get("regular"), str):
                raise error("a face must be a mapping with at least regular: FILE.ttf",
                            "families", family, i)
            for style, file in member.items():
                if style not in STYLES or not isinstance(file, str):
                    raise error(f"{style!r}: {file!r} is not a face", "families", family, i,
                                style, hint=f"each face maps {', '.join(STYLES)} to a "
                                "font file")
    return data["families"]


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
        self._families: dict[str, list[dict[str, str]]] = _families(meta)
        self._faces: dict[str, Face] = {}

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

    def stack(self, family: str, bold: bool = False, italic: bool = False) -> tuple[Face, ...]:
        members = self._families.get(family)
        if not members:
            raise FontError(
                f"unknown font family {family!r}",
                file=self.dir / "fonts.yaml",
                hint=f"families are: {', '.join(self._families)}",
            )
        style = _style_name(bold, italic)
        keys = [Path(m.get(style) or m["regular"]).stem for m in members]
        return tuple(self.face(k) for k in keys)

    def check_coverage(self, text: str, family: str, *, where: str, line: int = 0,
                       field: str | None = None, bold: bool = False,
                       italic: bool = False) -> None:
        """Raise FontCoverageError for the first character no face of the stack can draw."""
        stack = self.stack(family, bold, italic)
        for ch in text:
            cp = ord(ch)
            if ch.isspace() or cp in IGNORABLE or any(cp in f.cmap for f in stack):
                continue
            name = unicodedata.name(ch, "unnamed character")
            raise FontCoverageError(
                f"U+{cp:04X} {name} ({ch!r}) is in no font of family {family!r} "
                f"(tried {', '.join(f.key for f in stack)})",
                file=where,
                line=line or None,
                field=field,
                hint="replace the character, or add a font that has it to fonts/fonts.yaml",
            )
