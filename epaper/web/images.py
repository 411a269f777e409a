"""Page images for the e-paper: one screen page PDF rasterised into IIIF tiles for deep
zoom, a reading image about 1600 px wide, a thumbnail, and clippings of its articles.

`page_images` is the per-page task: a pure function of paths and plain values that writes
its files and returns a small record, so it can run in a worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from epaper.web.tiles import QUALITY, TILE, ImageFile, ImageService, write_service

READING_WIDTH = 1600  # px: a whole broadsheet page legible on a laptop screen
ZOOM = 1.5  # the deepest zoom level is this much larger than the reading image
CLIP_QUALITY = 80  # clippings are read on their own, often re-compressed by who shares them


@dataclass(frozen=True)
class Clip:
    """A piece of the page to cut out as its own image: an article's part or a photo."""

    name: str  # file stem under clips/
    box: tuple[float, float, float, float]  # points from the page's top-left: x0, y0, x1, y1


@dataclass(frozen=True)
class PageImages:
    """What `page_images` wrote for one page (all paths relative to the web folder)."""

    number: int
    width_pt: float
    height_pt: float
    service: ImageService  # the IIIF tiles; service.max is the reading image
    thumb: ImageFile
    clips: tuple[tuple[str, ImageFile], ...] = field(default=())  # (clip name, file)

    @property
    def reading(self) -> ImageFile:
        return self.service.max

    @property
    def files(self) -> tuple[str, ...]:
        return self.service.files + tuple(f.file for _n, f in self.clips)

    @property
    def bytes(self) -> int:
        return self.service.bytes + sum(f.bytes for _n, f in self.clips)

    def clip(self, name: str) -> ImageFile:
        for n, f in self.clips:
            if n == name:
                return f
        raise KeyError(name)


def page_folder(number: int) -> str:
    return f"iiif/{number:02d}"


def page_images(pdf: str | Path, web_dir: str | Path, number: int, *, page_index: int = 0,
                clips: tuple[Clip, ...] = (), base_url: str = "",
                reading_width: int = READING_WIDTH, zoom: float = ZOOM,
                quality: int = QUALITY, tile: int = TILE) -> PageImages:
    """Rasterise page `page_index` of `pdf` (a screen page PDF, or the screen edition PDF)
    as page `number` of the e-paper into `web_dir`.

    Rendered twice by pdfium, at the tiled size and at the reading size: that costs less
    than resampling the large raster down (measured: 20 ms against 70-100 ms) and gives
    text hinted for the size it is read at. Smaller levels are halvings of the large one.
    `base_url` is where the web folder will be published (IIIF ids are URLs).
    """
    web = Path(web_dir)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_index]
        width_pt, height_pt = page.get_size()
        scale = reading_width / width_pt
        # RGBX straight from pdfium: Pillow shares the bitmap's memory instead of copying
        # it (the bitmaps must outlive the images). JPEG encodes RGBX as RGB.
        bitmaps = [page.render(scale=s, rev_byteorder=True, prefer_bgrx=True)
                   for s in (scale * zoom, scale)]
        full, reading = (b.to_pil() for b in bitmaps)
        folder = page_folder(number)
        service = write_service(full, reading, web, folder, f"{base_url}{folder}",
                                tile=tile, quality=quality)
        cut = _clips(full, width_pt, height_pt, clips, web)
        del full, reading
        for b in bitmaps:
            b.close()
        page.close()
    finally:
        doc.close()
    # The smallest level is a whole-page file already: it is the thumbnail.
    thumb = min(service.sizes, key=lambda f: f.width)
    return PageImages(number, round(width_pt, 3), round(height_pt, 3), service, thumb, cut)


def _clips(full: Image.Image, width_pt: float, height_pt: float, clips: tuple[Clip, ...],
           web: Path) -> tuple[tuple[str, ImageFile], ...]:
    sx, sy = full.width / width_pt, full.height / height_pt
    out = []
    for clip in clips:
        x0, y0, x1, y1 = clip.box
        box = (max(0, round(x0 * sx)), max(0, round(y0 * sy)),
               min(full.width, round(x1 * sx)), min(full.height, round(y1 * sy)))
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        rel = f"clips/{clip.name}.jpg"
        path = web / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        part = full.crop(box)
        part.save(path, "JPEG", quality=CLIP_QUALITY)
        out.append((clip.name, ImageFile(rel, part.width, part.height, path.stat().st_size)))
    return tuple(out)
