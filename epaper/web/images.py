"""Page images for the e-paper: one screen page PDF rasterised into IIIF tiles for deep
zoom, a reading image about 1600 px wide, a thumbnail, and clippings of its articles.

`plan_page` names and sizes every file from the page's size in points; `page_images` is
the per-page task that writes them: a pure function of paths and plain values returning
a small record, so it can run in a worker process.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from epaper.web.tiles import QUALITY, TILE, ImageFile, ImageService, plan_service, write_service

READING_WIDTH = 1600  # px: a whole broadsheet page legible on a laptop screen
ZOOM = 1.5  # the deepest zoom level is this much larger than the reading image
CLIP_QUALITY = 78  # clippings are read on their own, often re-compressed by who shares them


@dataclass(frozen=True)
class Clip:
    """A piece of the page to cut out as its own image: an article's part or a photo."""

    name: str  # file stem under clips/
    box: tuple[float, float, float, float]  # points from the page's top-left: x0, y0, x1, y1


@dataclass(frozen=True)
class PageImages:
    """One page's images, all paths relative to the web folder: planned by `plan_page`
    (bytes 0) before rendering, or as `page_images` wrote them (with their bytes)."""

    number: int
    width_pt: float
    height_pt: float
    service: ImageService  # the IIIF tiles; service.max is the reading image
    thumb: ImageFile
    clips: tuple[tuple[str, ImageFile], ...] = field(default=())  # (clip name, file)
    clip_boxes: tuple[Clip, ...] = field(default=())  # what to cut out, in points

    @property
    def reading(self) -> ImageFile:
        return self.service.max

    @property
    def files(self) -> tuple[str, ...]:
        return self.service.files + tuple(f.file for _n, f in self.clips)

    @property
    def bytes(self) -> int:
        return self.service.bytes + sum(f.bytes for _n, f in self.clips)

    def clip(self, name: str) -> ImageFile | None:
        for n, f in self.clips:
            if n == name:
                return f
        return None

    def clip_box(self, name: str) -> tuple[int, int, int, int]:
        """Where the clip was cut from the reading image, in its pixels."""
        box = next(c.box for c in self.clip_boxes if c.name == name)
        size = (self.reading.width, self.reading.height)
        return _pixels(box, size[0] / self.width_pt, size[1] / self.height_pt, size)


def page_folder(number: int) -> str:
    return f"iiif/{number:02d}"


def plan_page(number: int, width_pt: float, height_pt: float, clips: tuple[Clip, ...] = (),
              *, reading_width: int = READING_WIDTH, zoom: float = ZOOM, tile: int = TILE
              ) -> PageImages:
    """Every file a page's images will be, with its pixel size, from the page's size in
    points alone: the article map, ALTO and the manifest can be written from it while the
    page is still being rasterised (pdfium is asked for exactly these sizes)."""
    reading = (reading_width, round(height_pt * reading_width / width_pt))
    full_w = round(reading_width * zoom)
    full = (full_w, round(height_pt * full_w / width_pt))
    service = plan_service(full[0], full[1], reading, page_folder(number), tile)
    sx, sy = reading[0] / width_pt, reading[1] / height_pt
    cut = []
    for clip in clips:
        x0, y0, x1, y1 = _pixels(clip.box, sx, sy, reading)
        if x1 > x0 and y1 > y0:
            cut.append((clip.name, ImageFile(f"clips/{clip.name}.jpg", x1 - x0, y1 - y0, 0)))
    # The smallest level is a whole-page file already: it is the thumbnail.
    thumb = min(service.sizes, key=lambda f: f.width)
    return PageImages(number, width_pt, height_pt, service, thumb, tuple(cut), clips)


def _pixels(box: tuple[float, float, float, float], sx: float, sy: float,
            size: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (max(0, round(x0 * sx)), max(0, round(y0 * sy)),
            min(size[0], round(x1 * sx)), min(size[1], round(y1 * sy)))


def page_images(pdf: str | Path, web_dir: str | Path, plan: PageImages, *,
                page_index: int = 0, base_url: str = "", quality: int = QUALITY
                ) -> PageImages:
    """Rasterise page `page_index` of `pdf` (a screen page PDF, or the screen edition PDF)
    into `web_dir` as `plan` (from `plan_page`) says; returns the plan with its bytes.

    Rendered twice by pdfium, at the tiled size and at the reading size: that costs less
    than resampling the large raster down (measured: 20 ms against 70-100 ms) and gives
    text hinted for the size it is read at. Smaller levels are halvings of the large one;
    clippings are cut from the reading image (body text about 15 px to the em).
    `base_url` is where the web folder will be published (IIIF ids are URLs).
    """
    web = Path(web_dir)
    s = plan.service
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_index]
        # RGBX straight from pdfium: Pillow shares the bitmap's memory instead of copying
        # it (the bitmaps must outlive the images). JPEG encodes RGBX as RGB.
        bitmaps = [_render(page, w, h, slot) for slot, (w, h) in
                   enumerate(((s.width, s.height), (s.max.width, s.max.height)))]
        full, reading = (b.to_pil() for b in bitmaps)
        service = write_service(full, reading, web, s, f"{base_url}{s.folder}",
                                quality=quality)
        cut = _clips(reading, plan, web)
        del full, reading
        page.close()
    finally:
        doc.close()
    thumb = next(f for f in service.sizes if f.file == plan.thumb.file)
    return replace(plan, service=service, thumb=thumb, clips=cut)


def _render(page: pdfium.PdfPage, width: int, height: int, slot: int) -> pdfium.PdfBitmap:
    """The page drawn to exactly width x height pixels (white behind it)."""
    bitmap = _bitmap(width, height, slot)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
    pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0,
                                   pdfium_c.FPDF_REVERSE_BYTE_ORDER)
    return bitmap


_scratch = threading.local()


def _bitmap(width: int, height: int, slot: int) -> pdfium.PdfBitmap:
    """A bitmap on a buffer this thread keeps for the next page: a worker renders page
    after page at the same sizes, and a fresh 37 MB buffer cost a third of each render
    in page faults. `_render` fills it white before drawing."""
    size = width * height * 4
    buffers = getattr(_scratch, "buffers", None)
    if buffers is None:
        buffers = _scratch.buffers = {}
    buf = buffers.get(slot)
    if buf is None or len(buf) < size:
        buf = buffers[slot] = (ctypes.c_ubyte * size)()
    return pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_BGRx,
                                       rev_byteorder=True, buffer=buf, stride=width * 4)


def _clips(image: Image.Image, plan: PageImages, web: Path) -> tuple[tuple[str, ImageFile], ...]:
    sx, sy = image.width / plan.width_pt, image.height / plan.height_pt
    planned = dict(plan.clips)
    out = []
    (web / "clips").mkdir(parents=True, exist_ok=True)
    for clip in plan.clip_boxes:
        f = planned.get(clip.name)
        if f is None:
            continue
        part = image.crop(_pixels(clip.box, sx, sy, image.size))
        part.save(web / f.file, "JPEG", quality=CLIP_QUALITY)
        out.append((clip.name, ImageFile(f.file, f.width, f.height,
                                         (web / f.file).stat().st_size)))
    return tuple(out)
