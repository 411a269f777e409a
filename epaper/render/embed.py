"""Embed a TrueType font in a ReportLab document as one subset Type0 (CID) font.

ReportLab's own TTFont splits a font into 256-code simple fonts and maps conjunct glyphs
to private-use code points. We give each (glyph, text it shows, width) that a document
draws a code of its own (CIDs numbered as first drawn, CIDToGIDMap to the glyph), so the
ToUnicode map gives every glyph its characters — a conjunct its letters, the same space
glyph U+0020 between words and U+200C where it stands for a ZWNJ — and a word space can
be one space glyph as wide as the gap.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfdoc


class FontMetrics:
    """The parts of a font file the PDF font dictionaries need; read once per run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        tt = TTFont(path)
        self.upem = tt["head"].unitsPerEm
        scale = 1000.0 / self.upem
        # Advances in PDF glyph space (1000 to the em), unrounded: a font whose em is not
        # 1000 units (Lohit Bengali: 769) would otherwise drift from HarfBuzz's positions
        # by a rounding error a glyph, and every glyph would need its own correction.
        self.advances = [round(tt["hmtx"][g][0] * scale, 3) for g in tt.getGlyphOrder()]
        head, os2, post = tt["head"], tt["OS/2"], tt["post"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.cap_height = round((getattr(os2, "sCapHeight", 0) or os2.sTypoAscender) * scale)
        self.italic_angle = float(post.italicAngle)
        self.ps_name = tt["name"].getDebugName(6) or path.stem
        self.flags = 4 | (64 if self.italic_angle else 0)  # symbolic: we use our own encoding
        # gid -> character for glyphs the font maps a character to directly: the
        # ToUnicode map for readers that ignore ActualText (pdfminer, PDFBox).
        order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
        self.unicode: dict[int, str] = {}
        cmap = tt.getBestCmap() or {}
        for cp, name in sorted(cmap.items(), reverse=True):
            gid = order.get(name)
            if gid is not None and cp >= 0x20 and not 0xE000 <= cp <= 0xF8FF:
                self.unicode[gid] = chr(cp)  # the lowest code point wins (sorted reverse)
        self.space = order.get(cmap.get(0x20, ""))  # the glyph drawn for word spaces
        tt.close()
        self.data = path.read_bytes()


class SubsetCache:
    """Subsets already made in this run, keyed by font and glyph set (the same page twice)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, frozenset[int]], bytes] = {}

    def get(self, metrics: FontMetrics, gids: frozenset[int]) -> bytes:
        key = (str(metrics.path), gids)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = _subset(metrics.data, gids)
        return found


# The TrueType tables an embedded subset keeps (hinting is dropped).
EMBED_TABLES = frozenset({"GlyphOrder", "head", "hhea", "hmtx", "maxp", "loca", "glyf",
                          "cmap", "name", "OS/2", "post", "gasp"})


def _subset(data: bytes, gids: frozenset[int]) -> bytes:
    options = ftsubset.Options()
    options.retain_gids = True  # glyph ids in content streams stay valid: CIDToGIDMap Identity
    options.notdef_outline = True
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "DSIG", "STAT", "MVAR", "HVAR"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    # recalcTimestamp=False: the head table keeps its date, so rebuilds are byte-identical.
    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False)
    # Shaping already happened: keep only what drawing the glyphs needs, unread. The
    # layout tables are 90 % of the subsetting time for Noto Bengali, and a table the
    # subsetter does not know (Lohit's FontForge FFTM) is dropped with a warning on the
    # console otherwise.
    for tag in [t for t in font.keys() if t not in EMBED_TABLES]:
        del font[tag]
    sub = ftsubset.Subsetter(options)
    sub.populate(gids=sorted(gids | {0}))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


# A word space is drawn as one space glyph as wide as the gap, to this step (of 1000
# units to the em): what is left of the gap is far below any extractor's word-break
# threshold (0.1 em and more), so none adds a space of its own beside ours.
SPACE_STEP = 20.0


class EmbeddedFont:
    """One face in one document: gives out codes for the glyphs drawn, writes the font
    when saved."""

    def __init__(self, metrics: FontMetrics, internal_name: str, cache: SubsetCache,
                 edition: frozenset[int] | None = None) -> None:
        self.metrics = metrics
        self.name = internal_name  # e.g. "FE1", the resource name in content streams
        self.used: set[int] = set()
        self.cache = cache
        self.edition = edition  # embed this (wider) subset if the page's glyphs are in it
        # CID -> (glyph id, text, width); CID 0 is .notdef.
        self._cids: list[tuple[int, str, float]] = [(0, "", metrics.advances[0])]
        self._codes: dict[tuple[int, str, float], int] = {}
        self.widths: list[float] = [metrics.advances[0]]  # by CID, 1000 to the em
        self.codes: dict[tuple[int, str], int] = {}  # (gid, text) -> CID at its own advance

    def code(self, gid: int, text: str, width: float | None = None) -> int:
        """The CID that draws glyph `gid`, reads as `text` and advances `width` (1000 to
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

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # noqa: N802 - ReportLab's hook
        m = self.metrics
        gids = frozenset(self.used)
        if self.edition is not None and gids <= self.edition:
            gids = self.edition
        # The subset tag is derived from the glyph set, so rebuilds give identical bytes.
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(
            repr(sorted(gids)).encode()).digest()[:6])
        base = f"{tag}+{m.ps_name}"
        font_file = pdfdoc.PDFStream()
        font_file.content = self.cache.get(m, gids)
        font_file.dictionary["Length1"] = len(font_file.content)
        font_file.filters = [pdfdoc.PDFZCompress]
        descriptor = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "FontName": pdfdoc.PDFName(base),
            "Flags": m.flags,
            "FontBBox": pdfdoc.PDFArray(m.bbox),
            "ItalicAngle": m.italic_angle,
            "Ascent": m.ascent,
            "Descent": m.descent,
            "CapHeight": m.cap_height,
            "StemV": 80,
            "FontFile2": doc.Reference(font_file, f"epaperFontFile:{self.name}"),
        })
        cid_to_gid = pdfdoc.PDFStream()
        cid_to_gid.content = b"".join(g.to_bytes(2, "big") for g, _t, _w in self._cids)
        cid_to_gid.filters = [pdfdoc.PDFZCompress]
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("CIDFontType2"),
            "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString("Adobe"),
                "Ordering": pdfdoc.PDFString("Identity"),
                "Supplement": 0,
            }),
            "FontDescriptor": doc.Reference(descriptor, f"epaperFontDescriptor:{self.name}"),
            "DW": 0,
            "W": pdfdoc.PDFArray([0, pdfdoc.PDFArray([_width(w) for _g, _t, w in self._cids])]),
            "CIDToGIDMap": doc.Reference(cid_to_gid, f"epaperCIDToGIDMap:{self.name}"),
        })
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("Type0"),
            "BaseFont": pdfdoc.PDFName(base),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([
                doc.Reference(cid_font, f"epaperCIDFont:{self.name}")]),
        })
        to_unicode = pdfdoc.PDFStream()
        to_unicode.content = _to_unicode_cmap(
            {cid: text for cid, (_g, text, _w) in enumerate(self._cids) if text}
        ).encode("ascii")
        to_unicode.filters = [pdfdoc.PDFZCompress]
        font.dict["ToUnicode"] = doc.Reference(to_unicode, f"epaperToUnicode:{self.name}")
        doc.idToObject["BasicFonts"].dict[self.name] = doc.Reference(font, self.name)


def _width(w: float) -> int | float:
    return int(w) if w == int(w) else w


def _to_unicode_cmap(mapping: dict[int, str]) -> str:
    """A ToUnicode CMap for 2-byte CIDs (bfchar entries, 100 to a block)."""
    head = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
    items = sorted(mapping.items())
    blocks = []
    for k in range(0, len(items), 100):
        chunk = items[k:k + 100]
        lines = "".join(f"<{g:04X}> <{t.encode('utf-16-be').hex().upper()}>\n"
                        for g, t in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}endbfchar\n")
    tail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return head + "".join(blocks) + tail
