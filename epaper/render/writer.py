"""Write page drawings into PDF files with ReportLab's document model.

A drawing's content stream is already compressed; this module adds what a file needs
around it: fonts (one subset per face, `embed.py`), image XObjects, page boxes and, for
print, the overprint states, the OutputIntent and the PDF/X-1a keys. The same drawings
make the edition file and each page file: a page is drawn once and written twice.

With `embed.py`, the only module that touches ReportLab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from epaper.render.embed import FontProgram
from epaper.render.images import PreparedImage
from epaper.render.pdf import (
    KNOCKOUT_GS,
    OVERPRINT_GS,
    PageDrawing,
    PdfResources,
    font_name,
    image_name,
)

# ReportLab's one process-wide setting that matters to us: streams are ASCII85-encoded in
# pure Python by default (a third of a second per edition, and 25 % larger files).
rl_config.useA85 = 0

PDFX_VERSION = "PDF/X-1a:2003"


@dataclass(frozen=True)
class PrintIntent:
    """What makes a file a press file: the CMYK output profile it is separated for."""

    profile: Path | None
    profile_name: str
    profile_data: bytes = b""


class _Info(pdfdoc.PDFInfo):
    """The document information: fixed dates (the edition's day) and the PDF/X keys."""

    def __init__(self, day: dt.date, pdfx: bool) -> None:
        super().__init__()
        self.day = day
        self.pdfx = pdfx

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        date = pdfdoc.PDFString(f"D:{self.day:%Y%m%d}000000Z")
        d = {"Title": pdfdoc.PDFString(self.title), "Author": pdfdoc.PDFString(self.author),
             "Creator": pdfdoc.PDFString(self.creator),
             "Producer": pdfdoc.PDFString(self.producer),
             "CreationDate": date, "ModDate": date, "Trapped": pdfdoc.PDFName("False")}
        if self.pdfx:
            d["GTS_PDFXVersion"] = pdfdoc.PDFString(PDFX_VERSION)
            d["GTS_PDFXConformance"] = pdfdoc.PDFString(PDFX_VERSION)
        return pdfdoc.PDFDictionary(d).format(document)


class _Catalog(pdfdoc.PDFCatalog):
    """The catalog, with room for the OutputIntents ReportLab has no API for."""

    __NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]


def _box(box: tuple[float, float, float, float]) -> pdfdoc.PDFArray:
    return pdfdoc.PDFArray([round(v, 4) for v in box])


def write_pdf(drawings: Iterable[PageDrawing], res: PdfResources,
              images: Mapping[str, PreparedImage], *, title: str, author: str,
              day: dt.date, intent: PrintIntent | None = None,
              edition_glyphs: Mapping[str, frozenset[int]] | None = None) -> bytes:
    """One PDF of `drawings`, in order. `intent`: a press file (PDF/X-1a keys, overprint
    states, OutputIntent). `edition_glyphs`: embed each face's subset of these glyphs
    (the whole edition's) rather than of these pages' alone."""
    drawings = list(drawings)
    doc = pdfdoc.PDFDocument(invariant=1, compression=1, pdfVersion=(1, 4))
    doc.Catalog = doc._catalog = _Catalog()
    doc.Catalog.Pages = doc.Pages
    doc.info = _Info(day, intent is not None)
    doc.info.title, doc.info.author = title, author
    doc.info.creator, doc.info.producer = "epaper", "epaper (ReportLab)"
    # The file's ID from what it holds: two editions never share one.
    for d in drawings:
        doc.updateSignature(d.content)
    page_fonts = _fonts(doc, drawings, res, edition_glyphs)
    states = _states(doc) if intent is not None else None
    xobjects = _images(doc, drawings, images)
    for d, fonts in zip(drawings, page_fonts, strict=True):
        page = pdfdoc.PDFPage()
        page.pagewidth, page.pageheight = d.size
        page.TrimBox = _box(d.trim)
        if d.bleed is not None:
            page.BleedBox = _box(d.bleed)
        stream = pdfdoc.PDFStream(content=d.content)
        stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
        page.Contents = stream
        resources = {"Font": fonts,
                     "ProcSet": pdfdoc.PDFArray([pdfdoc.PDFName(n) for n in
                                                 ("PDF", "Text", "ImageB", "ImageC")])}
        if d.images:
            resources["XObject"] = pdfdoc.PDFDictionary(
                {image_name(k): xobjects[k] for k in dict.fromkeys(d.images)})
        if states is not None:
            resources["ExtGState"] = states
        page.Resources = pdfdoc.PDFDictionary(resources)
        doc.addPage(page)
    if intent is not None and intent.profile is not None:
        doc.Catalog.OutputIntents = _output_intents(doc, intent)
    return _data(doc)


def _fonts(doc: pdfdoc.PDFDocument, drawings: list[PageDrawing], res: PdfResources,
           edition_glyphs: Mapping[str, frozenset[int]] | None
           ) -> list[pdfdoc.PDFDictionary]:
    """Each page's font resources: per face one font program for the whole file (the
    subset of what its pages draw, or of the whole edition), and per page a font over
    that program with the page's own codes."""
    used: dict[str, set[int]] = {}
    for d in drawings:
        for key, table in d.fonts:
            used.setdefault(key, set()).update(g for g, _t, _w in table)
    programs = {}
    for key in sorted(used):
        gids = frozenset(used[key])
        edition = edition_glyphs.get(key) if edition_glyphs else None
        if edition is not None and gids <= edition:
            gids = edition
        programs[key] = FontProgram(doc, res.metrics(key), font_name(key), gids, res.subsets)
    made: dict[tuple[str, tuple[object, ...]], pdfdoc.PDFObjectReference] = {}
    out = []
    for d in drawings:
        fonts = {}
        for key, table in d.fonts:
            ref = made.get((key, table))
            if ref is None:  # pages with the same codes share one font
                ref = made[(key, table)] = programs[key].font(doc, table, str(len(made)))
            fonts[font_name(key)] = ref
        out.append(pdfdoc.PDFDictionary(fonts))
    return out


def _states(doc: pdfdoc.PDFDocument) -> pdfdoc.PDFObjectReference:
    """Overprint for solid black (OPM 1: its zero C, M, Y leave the tint below) and the
    knockout state that turns it off again."""
    # PDF's booleans are keywords: ReportLab writes a plain string as it is.
    op = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("ExtGState"), "OP": "true",
                               "op": "true", "OPM": 1})
    knockout = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("ExtGState"), "OP": "false",
                                     "op": "false"})
    states = pdfdoc.PDFDictionary({OVERPRINT_GS: doc.Reference(op, "epaperGSop"),
                                   KNOCKOUT_GS: doc.Reference(knockout, "epaperGSko")})
    return doc.Reference(states, "epaperExtGStates")


def _images(doc: pdfdoc.PDFDocument, drawings: list[PageDrawing],
            images: Mapping[str, PreparedImage]) -> dict[str, pdfdoc.PDFObjectReference]:
    refs: dict[str, pdfdoc.PDFObjectReference] = {}
    for key in dict.fromkeys(k for d in drawings for k in d.images):
        prepared = images[key]
        obj = pdfdoc.PDFImageXObject(image_name(key))
        obj.width, obj.height = prepared.width, prepared.height
        obj.bitsPerComponent = 8
        obj.colorSpace = prepared.color_space
        obj.streamContent = prepared.data
        obj._filters = (prepared.filter,)
        obj.mask = None
        if prepared.color_space == "DeviceCMYK" and prepared.filter == "DCTDecode":
            obj._dotrans = 1  # JPEG CMYK is stored inverted (Adobe), as Pillow writes it
        refs[key] = doc.Reference(obj, "epaperImage:" + key)
    return refs


def _output_intents(doc: pdfdoc.PDFDocument, intent: PrintIntent) -> pdfdoc.PDFArray:
    assert intent.profile is not None
    icc = pdfdoc.PDFStream(content=intent.profile_data or intent.profile.read_bytes(),
                           filters=[pdfdoc.PDFZCompress])
    icc.dictionary["N"] = 4
    name = pdfdoc.PDFString(intent.profile_name)
    return pdfdoc.PDFArray([pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("OutputIntent"), "S": pdfdoc.PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": name, "OutputCondition": name, "Info": name,
        "RegistryName": pdfdoc.PDFString("http://www.color.org"),
        "DestOutputProfile": doc.Reference(icc, "epaperOutputProfile")})])


def _data(doc: pdfdoc.PDFDocument) -> bytes:
    """ReportLab's GetPDFData without a canvas: fonts realised, no outline."""
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.info.invariant = doc.invariant
    doc.info.digest(doc.signature)
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    doc.Catalog.Outlines = None
    data = doc.format()
    return data if isinstance(data, bytes) else data.encode("latin-1")

