"""Embed a TrueType font in a ReportLab document: one subset font program per face, and
for each page a Type0 (CID) font over it with the page's own codes.

ReportLab's own TTFont splits a font into 256-code simple fonts and maps conjunct glyphs
to private-use code points. A page instead gives each (glyph, text it shows, width) it
draws a code of its own (render/codes.py; CIDToGIDMap to the glyph), so the ToUnicode
map gives every glyph its characters — a conjunct its letters, the same space glyph
U+0020 between words and U+200C where it stands for a ZWNJ — and a word space can be one
space glyph as wide as the gap. The codes are the page's, so a page is drawn once and
its content stream goes into the page file and the edition file alike; the pages of one
file share the face's font program.
"""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfdoc

from epaper.errors import FontError
from epaper.lazy import lazy

if TYPE_CHECKING:
    from fontTools import subset as ftsubset
else:
    ftsubset = lazy("fontTools.subset")


class FontMetrics:
    """The parts of a font file the PDF font dictionaries need; read once per run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: bytes | None = path.read_bytes()
        self.digest = hashlib.sha256(self._data).hexdigest()
        # Advances and the cmap through HarfBuzz, the header fields from fontTools' small
        # tables, the italic angle from the post table's raw bytes: fontTools would parse
        # every glyph name of the post table for its glyph order (a tenth of a rebuild).
        face = hb.Face(self._data)
        font = hb.Font(face)
        tt = TTFont(path, lazy=True)
        self.upem = tt["head"].unitsPerEm
        scale = 1000.0 / self.upem
        # Advances in PDF glyph space (1000 to the em), unrounded: a font whose em is not
        # 1000 units (Lohit Bengali: 769) would otherwise drift from HarfBuzz's positions
        # by a rounding error a glyph, and every glyph would need its own correction.
        self.advances = [round(font.get_glyph_h_advance(g) * scale, 3)
                         for g in range(face.glyph_count)]
        head, os2 = tt["head"], tt["OS/2"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.cap_height = round((getattr(os2, "sCapHeight", 0) or os2.sTypoAscender) * scale)
        self.italic_angle = struct.unpack(">i", tt.reader["post"][4:8])[0] / 65536.0
        self.ps_name = tt["name"].getDebugName(6) or path.stem
        tt.close()
        self.flags = 4 | (64 if self.italic_angle else 0)  # symbolic: we use our own encoding
        # gid -> character for glyphs the font maps a character to directly: the
        # ToUnicode map for readers that ignore ActualText (pdfminer, PDFBox).
        self.unicode: dict[int, str] = {}
        for cp in sorted(face.unicodes, reverse=True):
            gid = font.get_nominal_glyph(cp)
            if gid is not None and cp >= 0x20 and not 0xE000 <= cp <= 0xF8FF:
                self.unicode[gid] = chr(cp)  # the lowest code point wins (sorted reverse)
        self.space = font.get_nominal_glyph(0x20)  # the glyph drawn for word spaces


    @property
    def data(self) -> bytes:
        """The font file, read again only when a subset must be made: metrics kept by an
        earlier run (epaper.kept) come without it."""
        if self._data is None:
            data = self.path.read_bytes()
            if hashlib.sha256(data).hexdigest() != self.digest:
                raise FontError("the font changed on disk while it was being used",
                                file=self.path, hint="build again")
            self._data = data
        return self._data

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_data": None}

    def at(self, path: Path) -> FontMetrics:
        """These metrics, kept by an earlier run, for the same font file at `path`."""
        self.path = path
        return self


class SubsetStore(Protocol):
    """Where subsets outlive a run (the pipeline's cache)."""

    def get(self, kind: str, key: str) -> bytes | None: ...

    def put(self, kind: str, key: str, payload: bytes) -> None: ...


class SubsetCache:
    """Subsets already made, keyed by font and glyph set: in this run (the same page in
    two files), and in `store` across runs when there is one."""

    def __init__(self, store: SubsetStore | None = None) -> None:
        self._made: dict[tuple[str, frozenset[int]], bytes] = {}
        self.store = store

    def get(self, metrics: FontMetrics, gids: frozenset[int]) -> bytes:
        key = (metrics.digest, gids)
        found = self._made.get(key)
        if found is None:
            stored = hashlib.sha256(f"{metrics.digest}:{sorted(gids)}".encode()).hexdigest()
            found = self.store.get("subset", stored) if self.store else None
            if found is None:
                found = _subset(metrics.data, gids)
                if self.store:
                    self.store.put("subset", stored, found)
            self._made[key] = found
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
    # recalcBBoxes=False: the glyphs kept are not changed, so their boxes stand; working
    # them out again expands every glyph (four fifths of the subsetting time).
    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
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


class FontProgram:
    """One face's subset in one document: the FontFile2 stream and its descriptor, which
    every page's font of that face refers to."""

    def __init__(self, doc: pdfdoc.PDFDocument, metrics: FontMetrics, name: str,
                 gids: frozenset[int], cache: SubsetCache) -> None:
        self.metrics = metrics
        self.name = name
        m = metrics
        # The subset tag is derived from the glyph set, so rebuilds give identical bytes.
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(
            repr(sorted(gids)).encode()).digest()[:6])
        self.base = f"{tag}+{m.ps_name}"
        font_file = pdfdoc.PDFStream()
        font_file.content = cache.get(m, gids)
        font_file.dictionary["Length1"] = len(font_file.content)
        font_file.filters = [pdfdoc.PDFZCompress]
        descriptor = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "FontName": pdfdoc.PDFName(self.base),
            "Flags": m.flags,
            "FontBBox": pdfdoc.PDFArray(m.bbox),
            "ItalicAngle": m.italic_angle,
            "Ascent": m.ascent,
            "Descent": m.descent,
            "CapHeight": m.cap_height,
            "StemV": 80,
            "FontFile2": doc.Reference(font_file, f"epaperFontFile:{name}"),
        })
        self.descriptor = doc.Reference(descriptor, f"epaperFontDescriptor:{name}")

    def font(self, doc: pdfdoc.PDFDocument, cids: tuple[tuple[int, str, float], ...],
             suffix: str) -> pdfdoc.PDFObjectReference:
        """The Type0 font of one page's codes (CID -> glyph, text, width)."""
        name = f"{self.name}:{suffix}"
        cid_to_gid = pdfdoc.PDFStream()
        cid_to_gid.content = b"".join(g.to_bytes(2, "big") for g, _t, _w in cids)
        cid_to_gid.filters = [pdfdoc.PDFZCompress]
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("CIDFontType2"),
            "BaseFont": pdfdoc.PDFName(self.base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString("Adobe"),
                "Ordering": pdfdoc.PDFString("Identity"),
                "Supplement": 0,
            }),
            "FontDescriptor": self.descriptor,
            "DW": 0,
            "W": pdfdoc.PDFArray([0, pdfdoc.PDFArray([_width(w) for _g, _t, w in cids])]),
            "CIDToGIDMap": doc.Reference(cid_to_gid, f"epaperCIDToGIDMap:{name}"),
        })
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("Type0"),
            "BaseFont": pdfdoc.PDFName(self.base),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([
                doc.Reference(cid_font, f"epaperCIDFont:{name}")]),
        })
        to_unicode = pdfdoc.PDFStream()
        to_unicode.content = _to_unicode_cmap(
            {cid: text for cid, (_g, text, _w) in enumerate(cids) if text}).encode("ascii")
        to_unicode.filters = [pdfdoc.PDFZCompress]
        font.dict["ToUnicode"] = doc.Reference(to_unicode, f"epaperToUnicode:{name}")
        return doc.Reference(font, f"epaperFont:{name}")


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
