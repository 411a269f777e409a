"""Embed a TrueType font in a ReportLab document as one subset Type0 (CID) font.

ReportLab's own TTFont splits a font into 256-code simple fonts and maps conjunct glyphs
to private-use code points; we draw glyph ids (Identity-H) instead, so one font object
per face holds every glyph, and `ActualText` spans carry the real text.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Protocol

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
        self.advances = [round(tt["hmtx"][g][0] * scale) for g in tt.getGlyphOrder()]
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
        for cp, name in sorted((tt.getBestCmap() or {}).items(), reverse=True):
            gid = order.get(name)
            if gid is not None and cp > 0x20 and not 0xE000 <= cp <= 0xF8FF:
                self.unicode[gid] = chr(cp)  # the lowest code point wins (sorted reverse)
        tt.close()
        self.data = path.read_bytes()
        self.digest = hashlib.sha256(self.data).hexdigest()


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
    # Shaping already happened: drop the layout tables unread (decoding them is 90 % of
    # the subsetting time for Noto Bengali).
    for tag in ("GSUB", "GPOS", "GDEF", "DSIG", "STAT", "MVAR", "HVAR"):
        if tag in font:
            del font[tag]
    sub = ftsubset.Subsetter(options)
    sub.populate(gids=sorted(gids | {0}))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class EmbeddedFont:
    """One face in one document: collects the glyphs drawn, writes the font when saved."""

    def __init__(self, metrics: FontMetrics, internal_name: str, cache: SubsetCache,
                 edition: frozenset[int] | None = None) -> None:
        self.metrics = metrics
        self.name = internal_name  # e.g. "FE1", the resource name in content streams
        self.used: set[int] = set()
        self.cache = cache
        self.edition = edition  # embed this (wider) subset if the page's glyphs are in it

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
        widths: list[object] = []
        for gid in sorted(gids):
            widths.extend([gid, pdfdoc.PDFArray([m.advances[gid]])])
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
            "W": pdfdoc.PDFArray(widths),
            "CIDToGIDMap": pdfdoc.PDFName("Identity"),
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
            {g: m.unicode[g] for g in sorted(gids) if g in m.unicode}).encode("ascii")
        to_unicode.filters = [pdfdoc.PDFZCompress]
        font.dict["ToUnicode"] = doc.Reference(to_unicode, f"epaperToUnicode:{self.name}")
        doc.idToObject["BasicFonts"].dict[self.name] = doc.Reference(font, self.name)


def _to_unicode_cmap(mapping: dict[int, str]) -> str:
    """A ToUnicode CMap for Identity-H glyph ids (bfchar entries, 100 to a block)."""
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
