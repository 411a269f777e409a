"""Preflight a print PDF: check every rule the press needs and every claim the file makes.

Reads the file back with pikepdf (structure, fonts, colour operators, image placements)
and measures ink by rasterising each page in CMYK with Ghostscript. Works on any PDF, not
only ours: the tests feed it files built to break each rule.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from epaper.lazy import lazy
from epaper.model.template import PrintSpec

if TYPE_CHECKING:
    import pikepdf
else:
    pikepdf = lazy("pikepdf")  # for files read back: the build's own preflight needs none

RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/Lab"}
INK_DPI = 150  # below ~100 dpi the maxima of photos are under-read
# A bigger page is rasterised for the ink check at a lower resolution, so that no page
# costs more than this many pixels (100 MB of CMYK); a broadsheet at 150 dpi is ~7 million.
INK_MAX_PIXELS = 25_000_000
MAX_FORM_DEPTH = 32  # forms drawing forms: deeper than this is taken for a loop
RICH_BLACK_MAX_TEXT = 14.0  # pt: below this, black text must be K only
DEFAULT_SPEC = PrintSpec()
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def _mul(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF's row-vector convention: a × b)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _scale(m: Matrix) -> float:
    """How much the matrix scales lengths (geometric mean of its axes)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


@dataclass
class Finding:
    level: str  # error | warning
    check: str
    message: str
    page: int | None = None

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        return f"{where}{self.check}: {self.message}"


@dataclass
class PageInfo:
    number: int
    boxes: dict[str, list[float]] = field(default_factory=dict)
    fonts: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    color_spaces: set[str] = field(default_factory=set)
    min_text: float | None = None
    thinnest_stroke: float | None = None
    max_ink: float | None = None


@dataclass
class Preflight:
    file: Path
    spec: PrintSpec
    pages: list[PageInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unrenderable: str = ""  # why the file is not worth rasterising for ink, if it is not
    pdfx: str = ""
    mode: str = "file"  # file: read back from the PDF; drawn: known from drawing it
    ink_measured: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # XObject name → source file

    def image(self, name: str) -> str:
        """An image as a finding names it: its source file (and XObject), when known."""
        source = self.sources.get(name)
        return f"{source} ({name})" if source else name

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def add(self, level: str, check: str, message: str, page: int | None = None) -> None:
        self.findings.append(Finding(level, check, message, page))

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file.name, "pdfx": self.pdfx, "mode": self.mode,
            "ink_measured": self.ink_measured,
            "limits": {"ink_limit": self.spec.ink_limit, "min_text": self.spec.min_text,
                       "hairline": self.spec.hairline},
            "ok": not self.errors,
            "errors": [_finding(f) for f in self.errors],
            "warnings": [_finding(f) for f in self.warnings],
            "pages": [{"number": p.number, "boxes": p.boxes, "fonts": p.fonts,
                       "images": p.images, "color_spaces": sorted(p.color_spaces),
                       "min_text_pt": p.min_text, "thinnest_stroke_pt": p.thinnest_stroke,
                       "max_ink_percent": p.max_ink} for p in self.pages],
        }

    def summary(self) -> str:
        out = [f"{self.file}: {len(self.pages)} page(s), "
               f"{self.pdfx or 'no PDF/X claim'}"]
        for p in self.pages:
            fonts = len(p.fonts)
            embedded = sum(1 for f in p.fonts if f["embedded"])
            ppi = min((i["ppi"] for i in p.images), default=None)
            bits = [f"fonts {embedded}/{fonts} embedded",
                    f"images {len(p.images)}" + (f" (lowest {ppi:.0f} ppi)" if ppi else ""),
                    "colour " + ("/".join(sorted(s.lstrip("/") for s in p.color_spaces))
                                 or "none")]
            if p.max_ink is not None:
                bits.append(f"max ink {p.max_ink:.0f}%")
            if p.min_text is not None:
                bits.append(f"smallest text {p.min_text:.1f}pt")
            out.append(f"  page {p.number}: " + ", ".join(bits))
        for f in self.errors:
            out.append(f"  ERROR {f}")
        for f in self.warnings:
            out.append(f"  warning {f}")
        out.append("preflight: " + ("FAILED" if self.errors else "passed") +
                   f" ({len(self.errors)} errors, {len(self.warnings)} warnings)")
        return "\n".join(out)


def _finding(f: Finding) -> dict[str, Any]:
    return {"page": f.page, "check": f.check, "message": f.message}


def preflight_file(path: Path, spec: PrintSpec = DEFAULT_SPEC, *, min_ppi: float = 150.0,
                   floor_ppi: float = 50.0, ink: bool = True,
                   sources: Mapping[str, str] | None = None) -> Preflight:
    """Check `path`. `sources` names the file each image XObject was made from (a build
    knows it; the PDF only has internal names), so that findings name the photo."""
    pf = Preflight(Path(path), spec, sources=dict(sources or {}))
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        pf.add("error", "encryption", "the file is encrypted; PDF/X forbids encryption")
        return pf
    except pikepdf.PdfError as exc:
        pf.add("error", "structure", f"not a readable PDF ({exc})")
        return pf
    with pdf:
        if pdf.is_encrypted:
            pf.add("error", "encryption", "the file is encrypted; PDF/X forbids encryption")
        _guarded(pf, None, _document, pf, pdf)
        for number, page in enumerate(pdf.pages, start=1):
            info = PageInfo(number)
            pf.pages.append(info)
            _guarded(pf, number, _boxes, pf, info, page)
            _guarded(pf, number, _Walker(pf, info, min_ppi, floor_ppi).page, page.obj)
            _page_font_checks(pf, info)
    if ink and pf.unrenderable:
        pf.add("warning", "ink", f"ink coverage not measured: {pf.unrenderable}; make the "
               "file again, then check its ink")
    elif ink:
        _ink(pf)
    return pf


@dataclass(frozen=True)
class DrawnImage:
    name: str  # the photo or ad file
    color_space: str  # DeviceCMYK | DeviceGray | DeviceRGB
    pixels: tuple[int, int]
    placed: tuple[float, float]  # points
    ink: float  # highest total ink of any pixel, percent


@dataclass(frozen=True)
class DrawnPage:
    """A page of our own print file as drawing it made it: what preflight would read."""

    number: int
    media: tuple[float, float, float, float]
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float] | None
    fonts: tuple[str, ...]
    images: tuple[DrawnImage, ...]
    min_text: float | None
    thinnest_stroke: float | None
    vector_ink: float
    rich_black_text: float | None


def preflight_drawn(path: Path, pages: list[DrawnPage], spec: PrintSpec = DEFAULT_SPEC, *,
                    min_ppi: float = 150.0, floor_ppi: float = 50.0) -> Preflight:
    """Preflight of a print file epaper drew, from what it drew: the same rules as
    `preflight_file`, with the ink of each page computed from its prepared photos and
    its vector colours instead of rasterised. The writer (render/writer.py) puts the
    PDF/X keys, boxes, embedded subset fonts and CMYK-only colours in every file by
    construction; `preflight_file` reads all of it back (`epaper build
    --preflight=full`), and the tests hold the two to the same verdicts."""
    pf = Preflight(Path(path), spec, mode="drawn", ink_measured=True, pdfx="PDF/X-1a:2003")
    for page in pages:
        info = PageInfo(page.number)
        pf.pages.append(info)
        info.boxes = {"media": list(page.media), "trim": list(page.trim)}
        if page.bleed is not None:
            info.boxes["bleed"] = list(page.bleed)
        info.fonts = [{"name": key, "type": "Type0", "embedded": True, "subset": True}
                      for key in page.fonts]
        info.color_spaces = {"/DeviceCMYK"} | {"/" + i.color_space for i in page.images}
        info.min_text, info.thinnest_stroke = page.min_text, page.thinnest_stroke
        _drawn_checks(pf, info, page, min_ppi, floor_ppi)
    return pf


def _drawn_checks(pf: Preflight, info: PageInfo, page: DrawnPage, min_ppi: float,
                  floor_ppi: float) -> None:
    spec = pf.spec
    n = page.number
    if page.min_text is not None and page.min_text < spec.min_text - 1e-6:
        pf.add("error", "text", f"text at {page.min_text:.1f}pt is smaller than the "
               f"{spec.min_text:g}pt minimum", n)
    if page.rich_black_text is not None and page.rich_black_text < RICH_BLACK_MAX_TEXT:
        pf.add("error", "colour", "rich black (CMY under K) in text smaller than "
               f"{RICH_BLACK_MAX_TEXT:g}pt: it will not register", n)
    if page.thinnest_stroke is not None and page.thinnest_stroke < spec.hairline - 1e-6:
        pf.add("error", "hairline", f"a stroke of {page.thinnest_stroke:.2f}pt is thinner "
               f"than {spec.hairline}pt and may not print", n)
    ink = page.vector_ink
    for im in page.images:
        if im.color_space == "DeviceRGB":
            pf.add("error", "colour", f"image {im.name} is RGB in a print file", n)
        w, h = im.placed
        ppi = min(im.pixels[0] / (w / 72), im.pixels[1] / (h / 72)) if w and h else 0.0
        info.images.append({"name": im.name, "file": im.name, "color_space": im.color_space,
                            "pixels": list(im.pixels), "ppi": round(ppi, 1),
                            "placed_mm": [round(w / 72 * 25.4, 1), round(h / 72 * 25.4, 1)]})
        if ppi < floor_ppi:
            pf.add("error", "resolution", f"image {im.name} at {ppi:.0f} ppi (floor "
                   f"{floor_ppi:.0f})", n)
        elif ppi < min_ppi:
            pf.add("warning", "resolution", f"image {im.name} at {ppi:.0f} ppi (minimum "
                   f"{min_ppi:.0f})", n)
        if im.ink > spec.ink_limit + 0.5:
            pf.add("error", "ink", f"total ink reaches {im.ink:.0f}% in {im.name} (limit "
                   f"{spec.ink_limit:.0f}%)", n)
        ink = max(ink, im.ink)
    info.max_ink = round(ink, 1)
    if page.vector_ink > spec.ink_limit + 0.5:
        pf.add("error", "ink", f"total ink reaches {page.vector_ink:.0f}% where colours "
               f"overlap (limit {spec.ink_limit:.0f}%)", n)


# What a malformed object (a box of three numbers, a name where a dictionary belongs)
# raises when it is read; deep nesting that slipped past the walker's guards too.
def _malformed() -> tuple[type[BaseException], ...]:
    return (pikepdf.PdfError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            RecursionError)


def _guarded(pf: Preflight, page: int | None, check: Callable[..., None], *args: Any) -> None:
    """Run one part of the checks; a malformed object it trips on becomes a structure
    error, and the other parts still run."""
    try:
        check(*args)
    except _malformed() as exc:
        what = f"page {page}" if page else "the document"
        pf.add("error", "structure", f"{what} is malformed and was only partly checked "
               f"({type(exc).__name__}: {str(exc)[:160] or 'no detail'})", page)


def _document(pf: Preflight, pdf: pikepdf.Pdf) -> None:
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    pf.pdfx = version
    if not version:
        pf.add("error", "pdfx", "no GTS_PDFXVersion: the file does not claim PDF/X-1a")
        return
    if not version.startswith("PDF/X-1"):
        pf.add("error", "pdfx", f"claims {version}; the press needs PDF/X-1a")
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        pf.add("error", "pdfx", "Trapped must be /True or /False in the document info")
    intents = pdf.Root.get("/OutputIntents")
    pdfx = [oi for oi in (intents or []) if str(oi.get("/S")) == "/GTS_PDFX"]
    if not pdfx:
        pf.add("error", "pdfx", "no GTS_PDFX OutputIntent")
        return
    profile = pdfx[0].get("/DestOutputProfile")
    if profile is None:
        pf.add("error", "pdfx", "the OutputIntent has no DestOutputProfile (ICC)")
    elif int(profile.get("/N", 0)) != 4:
        pf.add("error", "pdfx", "the OutputIntent's profile is not CMYK (N must be 4)")


def _box(page: pikepdf.Page, name: str) -> list[float] | None:
    raw = page.obj.get(name)
    if raw is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in raw)
    return [round(min(x0, x1), 2), round(min(y0, y1), 2), round(max(x0, x1), 2),
            round(max(y0, y1), 2)]


def _within(inner: list[float], outer: list[float], eps: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - eps and inner[1] >= outer[1] - eps
            and inner[2] <= outer[2] + eps and inner[3] <= outer[3] + eps)


def _boxes(pf: Preflight, info: PageInfo, page: pikepdf.Page) -> None:
    media = _box(page, "/MediaBox") or [0, 0, 0, 0]
    info.boxes["media"] = media
    trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
    if trim is None:
        pf.add("error", "boxes", "no TrimBox: the press cannot know the page size", info.number)
    else:
        info.boxes["trim"] = trim
    if bleed is None:
        pf.add("warning", "boxes", "no BleedBox", info.number)
    else:
        info.boxes["bleed"] = bleed
    if trim and bleed and not _within(trim, bleed):
        pf.add("error", "boxes", "TrimBox lies outside the BleedBox", info.number)
    for name, box in (("TrimBox", trim), ("BleedBox", bleed)):
        if box and not _within(box, media):
            pf.add("error", "boxes", f"{name} lies outside the MediaBox", info.number)


def _space_name(cs: object, resources: pikepdf.Dictionary | None) -> str:
    """A colour space's family: /DeviceRGB, /DeviceCMYK, /ICCBased-RGB, /Indexed-RGB, …"""
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name.startswith("/Device") or name == "/Pattern":
            return name
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if spaces is not None and name in spaces:
            return _space_name(spaces[name], None)
        return name
    if isinstance(cs, pikepdf.Array) and len(cs):
        family = str(cs[0])
        if family == "/ICCBased":
            n = int(cs[1].get("/N", 0))
            return {1: "/ICCBased-Gray", 3: "/ICCBased-RGB", 4: "/ICCBased-CMYK"}.get(n, family)
        if family == "/Indexed":
            return "/Indexed-" + _space_name(cs[1], None).lstrip("/")
        if family in ("/Separation", "/DeviceN"):
            return family
        return family
    return "/Unknown"


def _is_rgb(space: str) -> bool:
    return space in RGB_SPACES or space.endswith("RGB") or space.endswith("-Lab")


STROKES = frozenset(("S", "s", "B", "B*", "b", "b*"))
COLOUR_OPS = frozenset(("rg", "RG", "k", "K", "g", "G", "cs", "CS"))
TEXT_OPS = frozenset(("BT", "Tf", "Tm", "Td", "TD", "Tj", "TJ", "'", '"'))
# The operands of every operator whose operands the walker reads: n a number, / a name.
OPERANDS = {"cm": "nnnnnn", "w": "n", "Tf": "/n", "Tm": "nnnnnn", "Td": "nn", "TD": "nn",
            "k": "nnnn", "K": "nnnn", "rg": "nnn", "RG": "nnn", "g": "n", "G": "n",
            "cs": "/", "CS": "/", "gs": "/", "Do": "/"}


def _is_number(v: object) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def _kind(v: object) -> str:
    if _is_number(v):
        return "number"
    if isinstance(v, pikepdf.Name):
        return "name"
    if isinstance(v, pikepdf.String | bytes | str):
        return "string"
    if isinstance(v, pikepdf.Array):
        return "array"
    if isinstance(v, pikepdf.Dictionary):
        return "dictionary"
    if isinstance(v, bool):
        return "boolean"
    return "null" if v is None else type(v).__name__


def _bad_operands(op: str, operands: list[object]) -> str | None:
    """Why `operands` do not fit `op` (e.g. "operator cm takes 6 numbers, found 5"), or
    None when they do."""
    want = OPERANDS.get(op)
    if want is None:
        return None
    kinds = ["number" if k == "n" else "name" for k in want]
    ok = len(operands) == len(want) and all(
        _is_number(v) if k == "n" else isinstance(v, pikepdf.Name)
        for k, v in zip(want, operands, strict=True))
    if ok:
        return None
    if len(set(kinds)) == 1:
        takes = f"{len(kinds)} {kinds[0]}s" if len(kinds) > 1 else f"1 {kinds[0]}"
    else:
        takes = " and ".join(f"a {k}" for k in kinds)
    if len(operands) != len(want):
        found = str(len(operands))
    else:
        found = ", ".join(_kind(v) for v in operands)
    return f"operator {op} takes {takes}, found {found}"


@dataclass
class _GState:
    """The part of the graphics state preflight follows; q saves it, Q restores it."""

    ctm: Matrix
    line_width: float = 1.0
    fill: tuple[float, ...] = (0.0, 0.0, 0.0, 1.0)


@dataclass
class _TextState:
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    size: float = 0.0


class _Walker:
    """Follows a content stream's graphics state far enough to size text, strokes and
    images, and to see every colour space it paints with."""

    def __init__(self, pf: Preflight, info: PageInfo, min_ppi: float, floor_ppi: float) -> None:
        self.pf, self.info = pf, info
        self.min_ppi, self.floor_ppi = min_ppi, floor_ppi
        self.seen_fonts: set[int] = set()
        self.flagged: set[str] = set()
        self.drawing: list[tuple[int, int]] = []  # the forms being drawn, outermost first
        self.malformed: list[str] = []  # operators skipped for their operands

    def flag(self, level: str, check: str, message: str) -> None:
        if (check, message) not in self.flagged:  # once per page and kind
            self.flagged.add((check, message))  # type: ignore[arg-type]
            self.pf.add(level, check, message, self.info.number)

    def page(self, obj: pikepdf.Object) -> None:
        """Walk a page; operators with wrong operands are skipped and reported once."""
        try:
            self.walk(obj, IDENTITY)
        finally:
            if self.malformed:
                more = (f" ({len(self.malformed)} malformed operators on the page, the "
                        "first shown)" if len(self.malformed) > 1 else "")
                self.pf.add("error", "structure", f"{self.malformed[0]}{more}; the content "
                            "stream is malformed: make the PDF again", self.info.number)

    def walk(self, obj: pikepdf.Object, ctm: Matrix) -> None:
        resources = obj.get("/Resources") or pikepdf.Dictionary()
        self._resources(resources)
        state = _GState(ctm)
        stack: list[_GState] = []
        text = _TextState()
        for name, operands in self._commands(obj):
            if name == "q":
                stack.append(replace(state))
            elif name == "Q" and stack:
                state = stack.pop()
            elif name == "cm":
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
            elif name == "w":
                state.line_width = float(operands[0])
            elif name in STROKES:
                self._stroke(state)
            elif name in COLOUR_OPS:
                self._colour(name, operands, state, resources)
            elif name in TEXT_OPS:
                self._text(name, operands, state, text, resources)
            elif name == "gs":
                self._gstate(resources, operands[0])
            elif name == "Do":
                self._xobject(resources, operands[0], state.ctm)
            elif name in ("BI", "INLINE IMAGE"):  # pikepdf hands over the whole image
                self.flag("warning", "images", "inline image (not checked for resolution)")

    def _commands(self, obj: pikepdf.Object) -> list[tuple[str, list[Any]]]:
        """The content stream's operators with their operands; those whose operands do not
        fit are left out and remembered for the page's structure finding."""
        try:
            parsed = pikepdf.parse_content_stream(obj)
        except pikepdf.PdfError as exc:
            self.flag("error", "structure", f"a content stream cannot be read "
                      f"({type(exc).__name__}: {str(exc)[:160]})")
            return []
        commands = []
        depth = 0
        for operands, op in parsed:
            try:
                name = str(op)
            except UnicodeDecodeError:  # garbage, not an operator the walker reads
                continue
            depth += (name == "q") - (name == "Q")
            if depth == MAX_Q_DEPTH + 1 and name == "q":
                self.malformed.append(f"graphics state saved (q) more than {MAX_Q_DEPTH} "
                                      "levels deep, the limit PDF readers keep to")
                # Ghostscript grinds for a minute on 100,000 nested q: not worth it.
                self.pf.unrenderable = "graphics states nested too deep to render"
            bad = _bad_operands(name, operands)
            if bad is None:
                commands.append((name, operands))
            else:
                self.malformed.append(bad)
        return commands

    def _stroke(self, state: _GState) -> None:
        width = state.line_width * _scale(state.ctm)
        t = self.info.thinnest_stroke
        self.info.thinnest_stroke = width if t is None else min(t, width)
        if width < self.pf.spec.hairline - 1e-6:
            self.flag("error", "hairline", f"a stroke of {width:.2f}pt is thinner "
                      f"than {self.pf.spec.hairline}pt and may not print")

    def _colour(self, name: str, operands: list[object], state: _GState,
                resources: pikepdf.Dictionary) -> None:
        if name in ("rg", "RG"):
            self._space("/DeviceRGB")
        elif name in ("k", "K"):
            self._space("/DeviceCMYK")
            if name == "k":
                state.fill = tuple(float(v) for v in operands)  # type: ignore[arg-type]
        elif name in ("g", "G"):
            self._space("/DeviceGray")
        else:  # cs, CS
            self._space(_space_name(operands[0], resources))

    def _text(self, name: str, operands: list[object], state: _GState, text: _TextState,
              resources: pikepdf.Dictionary) -> None:
        if name == "BT":
            text.tm = text.tlm = IDENTITY
        elif name == "Tf":
            text.size = float(operands[1])  # type: ignore[arg-type]
            self._font(resources, operands[0])  # type: ignore[arg-type]
        elif name == "Tm":
            text.tm = text.tlm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif name in ("Td", "TD"):
            text.tlm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])),  # type: ignore[arg-type]
                            text.tlm)
            text.tm = text.tlm
        else:  # a text-showing operator
            self._shown(text.size * _scale(_mul(text.tm, state.ctm)), state.fill)

    def _shown(self, size: float, fill: tuple[float, ...]) -> None:
        t = self.info.min_text
        self.info.min_text = size if t is None else min(t, size)
        if size < self.pf.spec.min_text - 1e-6:
            self.flag("error", "text", f"text at {size:.1f}pt is smaller than "
                      f"the {self.pf.spec.min_text:g}pt minimum")
        if size < RICH_BLACK_MAX_TEXT and len(fill) == 4 and fill[3] >= 0.8 \
                and sum(fill[:3]) > 0.05:
            self.flag("error", "colour", "rich black (CMY under K) in text smaller "
                      f"than {RICH_BLACK_MAX_TEXT:g}pt: it will not register")

    def _space(self, space: str, image: str = "") -> None:
        self.info.color_spaces.add(space)
        if _is_rgb(space):
            what = f"image {self.pf.image(image)} in " if image else ""
            self.flag("error", "colour", f"{what}{space.lstrip('/')} colour in a print file "
                      "(CMYK or gray only)")

    def _resources(self, resources: pikepdf.Dictionary) -> None:
        for name in (resources.get("/ExtGState") or {}).keys():
            self._gstate(resources, pikepdf.Name(name))

    def _gstate(self, resources: pikepdf.Dictionary, name: pikepdf.Name) -> None:
        gs = (resources.get("/ExtGState") or {}).get(str(name))
        if gs is None:
            return
        smask = gs.get("/SMask")
        if smask is not None and str(smask) != "/None":
            self.flag("error", "transparency", "soft mask in an ExtGState (PDF/X-1a forbids it)")
        for key in ("/CA", "/ca"):
            if key in gs and float(gs[key]) < 1:
                self.flag("error", "transparency", f"{key[1:]} {float(gs[key]):g} "
                          "(PDF/X-1a forbids transparency)")
        bm = gs.get("/BM")
        if bm is not None and str(bm) not in ("/Normal", "/Compatible"):
            self.flag("error", "transparency", f"blend mode {bm}")

    def _font(self, resources: pikepdf.Dictionary, name: pikepdf.Name) -> None:
        font = (resources.get("/Font") or {}).get(str(name))
        if font is None or font.objgen in self.seen_fonts:
            return
        self.seen_fonts.add(font.objgen)
        base = str(font.get("/BaseFont", "")).lstrip("/")
        desc = font.get("/FontDescriptor")
        if str(font.get("/Subtype")) == "/Type0":
            kids = font.get("/DescendantFonts") or []
            desc = kids[0].get("/FontDescriptor") if len(kids) else None
        embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2",
                                                                  "/FontFile3"))
        if str(font.get("/Subtype")) == "/Type3":
            embedded = True
        subset = len(base) > 7 and base[6] == "+" and base[:6].isupper()
        self.info.fonts.append({"name": base, "type": str(font.get("/Subtype", "")).lstrip("/"),
                                "embedded": embedded, "subset": subset})

    def _xobject(self, resources: pikepdf.Dictionary, name: pikepdf.Name, ctm: Matrix) -> None:
        xo = (resources.get("/XObject") or {}).get(str(name))
        if xo is None:
            return
        kind = str(xo.get("/Subtype"))
        if kind == "/Form":
            matrix = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            if xo.get("/Group") is not None:
                self.flag("error", "transparency", "transparency group (PDF/X-1a forbids it)")
            if xo.objgen in self.drawing:
                self.flag("error", "structure", f"form {str(name).lstrip('/')} draws itself "
                          "(directly or through other forms); it was not followed")
                return
            if len(self.drawing) >= MAX_FORM_DEPTH:
                self.flag("error", "structure", f"forms nested more than {MAX_FORM_DEPTH} "
                          "deep; the innermost were not followed")
                return
            self.drawing.append(xo.objgen)
            try:
                self.walk(xo, _mul(matrix, ctm))  # type: ignore[arg-type]
            finally:
                self.drawing.pop()
            return
        if kind != "/Image":
            return
        key = str(name).lstrip("/")
        space = _space_name(xo.get("/ColorSpace", pikepdf.Name.DeviceGray), resources)
        if xo.get("/ImageMask"):
            space = "/ImageMask"
        else:
            self._space(space, key)
        if xo.get("/SMask") is not None:
            self.flag("error", "transparency", f"image {self.pf.image(key)} with a soft mask "
                      "(PDF/X-1a forbids it)")
        w_px, h_px = int(xo.get("/Width", 0)), int(xo.get("/Height", 0))
        placed_w = math.hypot(ctm[0], ctm[1])
        placed_h = math.hypot(ctm[2], ctm[3])
        ppi = min(w_px / (placed_w / 72) if placed_w else 0, h_px / (placed_h / 72)
                  if placed_h else 0)
        self.info.images.append({"name": key, "color_space": space.lstrip("/"),
                                 "pixels": [w_px, h_px], "ppi": round(ppi, 1),
                                 "placed_mm": [round(placed_w / 72 * 25.4, 1),
                                               round(placed_h / 72 * 25.4, 1)],
                                 **({"file": self.pf.sources[key]}
                                    if key in self.pf.sources else {})})
        if ppi < self.floor_ppi:
            self.pf.add("error", "resolution", f"image {self.pf.image(key)} at {ppi:.0f} ppi "
                        f"(floor {self.floor_ppi:.0f})", self.info.number)
        elif ppi < self.min_ppi:
            self.pf.add("warning", "resolution", f"image {self.pf.image(key)} at {ppi:.0f} "
                        f"ppi (minimum {self.min_ppi:.0f})", self.info.number)


def _page_font_checks(pf: Preflight, info: PageInfo) -> None:
    for f in info.fonts:
        if not f["embedded"]:
            pf.add("error", "fonts", f"font {f['name']} is not embedded", info.number)
        elif not f["subset"]:
            pf.add("warning", "fonts", f"font {f['name']} is embedded whole, not subset",
                   info.number)


def _page_inches(info: PageInfo) -> tuple[float, float]:
    """The most Ghostscript may rasterise of the page (MediaBox or BleedBox), inches."""
    boxes = [b for b in (info.boxes.get("media"), info.boxes.get("bleed")) if b]
    return (max((b[2] - b[0] for b in boxes), default=0.0) / 72,
            max((b[3] - b[1] for b in boxes), default=0.0) / 72)


def _ink_dpi(info: PageInfo) -> int:
    """INK_DPI, or less for a page so big that INK_DPI would pass INK_MAX_PIXELS."""
    w, h = _page_inches(info)
    if w * h * INK_DPI ** 2 <= INK_MAX_PIXELS:
        return INK_DPI
    return max(1, int(math.sqrt(INK_MAX_PIXELS / (w * h))))


def _ink_runs(pf: Preflight) -> list[tuple[int, int, int]]:
    """(first page, last page, dpi) for each Ghostscript run: pages of one resolution in a
    row share a run; a file of one resolution is split in two (gs renders on one core)."""
    runs: list[tuple[int, int, int]] = []
    for info in pf.pages:
        dpi = _ink_dpi(info)
        if runs and runs[-1][2] == dpi:
            runs[-1] = (runs[-1][0], info.number, dpi)
        else:
            runs.append((info.number, info.number, dpi))
    if len(runs) == 1 and runs[0][1] > runs[0][0]:
        first, last, dpi = runs[0]
        mid = (first + last) // 2
        runs = [(first, mid, dpi), (mid + 1, last, dpi)]
    return runs


MAX_Q_DEPTH = 28  # ISO 32000-1 Annex C: q/Q nesting readers are asked to support
GS_TIMEOUT = 120  # seconds for one Ghostscript run; a broadsheet page takes about one


def _ink(pf: Preflight) -> None:
    """Rasterise every page's bleed area in CMYK and take the highest total coverage."""
    gs = shutil.which("gs")
    if gs is None:
        pf.add("warning", "ink", "ink coverage not measured: Ghostscript (gs) is not "
               "installed (apt-get install ghostscript)")
        return
    runs = _ink_runs(pf)
    with tempfile.TemporaryDirectory(prefix="epaper-ink-") as tmp:
        for k in range(0, len(runs), 2):  # two Ghostscripts at a time
            procs = [subprocess.Popen(
                [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc",
                 f"-r{dpi}", "-dUseBleedBox", "-dOverprint=/simulate",
                 f"-dFirstPage={first}", f"-dLastPage={last}",
                 f"-sOutputFile={tmp}/h{first:04d}-%04d.tif", str(pf.file)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for first, last, dpi in runs[k:k + 2]]
            failed = _wait_all(procs)
            if failed:
                pf.add("error", "ink", f"Ghostscript could not render the file: {failed}")
                return
        dpis: dict[int, int] = {}
        for first, last, dpi in runs:
            for k in range(first, last + 1):
                dpis[k] = dpi
                src = Path(tmp) / f"h{first:04d}-{k - first + 1:04d}.tif"
                if src.exists():
                    src.rename(Path(tmp) / f"p{k:04d}.tif")
        for info in pf.pages:
            tif = Path(tmp) / f"p{info.number:04d}.tif"
            if tif.exists():
                _page_ink(pf, info, tif, dpis[info.number])


def _wait_all(procs: list[subprocess.Popen[str]]) -> str:
    """Wait for the Ghostscript runs; what went wrong, if anything. An interrupted
    check leaves no Ghostscript running."""
    failed = ""
    try:
        for run in procs:
            try:
                out, err = run.communicate(timeout=GS_TIMEOUT)
            except subprocess.TimeoutExpired:
                run.kill()
                run.communicate()
                failed = failed or (f"it took over {GS_TIMEOUT} s (a malformed or "
                                    "extremely complex page)")
                continue
            if run.returncode != 0 and not failed:
                failed = (err or out).strip()[:200]
    finally:
        for run in procs:
            if run.poll() is None:
                run.kill()
                run.wait()
    return failed


def _page_ink(pf: Preflight, info: PageInfo, tif: Path, dpi: int) -> None:
    from PIL import Image

    try:
        with Image.open(tif) as im:
            high = _max_coverage(im) * 100 / 255
    except (Image.DecompressionBombError, OSError) as exc:
        pf.add("warning", "ink", f"ink coverage not measured: the rasterised page cannot "
               f"be read ({exc})", info.number)
        return
    info.max_ink = round(high, 1)
    pf.ink_measured = True
    if dpi < INK_DPI:
        w, h = _page_inches(info)
        pf.add("warning", "ink", f"the page is {w * 25.4:.0f} x {h * 25.4:.0f} mm: ink "
               f"measured at {dpi} dpi instead of {INK_DPI}, so that it stays under "
               f"{INK_MAX_PIXELS // 1_000_000} million pixels; small details may be "
               "under-read", info.number)
    if high > pf.spec.ink_limit + 0.5:
        pf.add("error", "ink", f"total ink reaches {high:.0f}% (limit "
               f"{pf.spec.ink_limit:.0f}%)", info.number)


def _max_coverage(im: object) -> int:
    """The highest C+M+Y+K of any pixel of a CMYK image, 0-1020."""
    try:
        import numpy as np
    except ImportError:  # Pillow alone: slower, same answer
        from PIL import ImageMath

        c, m, y, k = im.split()  # type: ignore[attr-defined]
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                      c=c, m=m, y=y, k=k)
        return int(total.getextrema()[1])
    return int(np.asarray(im, dtype=np.uint16).sum(axis=2, dtype=np.uint16).max())
