"""A static IIIF Image API 3 level-0 image service: info.json and exactly the files it lists.

Level 0 means plain files on any web host: a client may only ask for the tiles and sizes
that info.json names, so every one of them is written here and nothing else. The URLs a
client builds follow the Image API's tile rules (region `x,y,w,h` at scale factor s is
returned at `ceil(w/s),ceil(h/s)`; a region that is the whole image is `full`), which is
also how OpenSeadragon's IIIF tile source builds them.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
TILE = 512  # tiles of 512 px: a page at 2400 px is 40 files at full size, not 150
QUALITY = 65  # JPEG quality of the tiles: text stays clean at full zoom (checked by eye)
READING_QUALITY = 72  # the reading image is looked at whole, at its own size


@dataclass(frozen=True)
class ImageFile:
    """One image file written into the web folder."""

    file: str  # path relative to the web folder, with "/"
    width: int
    height: int
    bytes: int


@dataclass(frozen=True)
class ImageService:
    """What was written for one page: the service's folder and the files info.json lists."""

    folder: str  # relative to the web folder: "iiif/01"
    width: int  # the tiled image's full size
    height: int
    tile: int
    scale_factors: tuple[int, ...]
    max: ImageFile  # full/max: the reading image (maxWidth/maxHeight cap it)
    sizes: tuple[ImageFile, ...]  # whole-image sizes listed in info.json (full/w,h)
    files: tuple[str, ...]  # every file, info.json included, relative to the web folder
    bytes: int



def scale_factors(width: int, height: int, tile: int = TILE) -> tuple[int, ...]:
    """Powers of two from 1 until the whole image fits one tile: every level a viewer
    zooming out may ask for."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile or math.ceil(height / factors[-1]) > tile:
        factors.append(factors[-1] * 2)
    return tuple(factors)


def tile_requests(width: int, height: int, tile: int, factor: int
                  ) -> list[tuple[str, str, tuple[int, int, int, int], tuple[int, int]]]:
    """(region, size, region box, output size) of every tile at one scale factor, spelled
    as a level-0 client asks for them."""
    span = tile * factor
    out = []
    for y in range(0, height, span):
        for x in range(0, width, span):
            w, h = min(span, width - x), min(span, height - y)
            size = (math.ceil(w / factor), math.ceil(h / factor))
            region = "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
            out.append((region, f"{size[0]},{size[1]}", (x, y, w, h), size))
    return out


def _save(im: Image.Image, web: Path, f: ImageFile, quality: int) -> ImageFile:
    if im.size != (f.width, f.height):
        raise ValueError(f"{f.file}: {im.size} is not the planned {f.width}x{f.height}")
    path = os.path.join(web, f.file)
    _mkdirs(os.path.dirname(path))
    im.save(path, "JPEG", quality=quality)
    return ImageFile(f.file, f.width, f.height, os.path.getsize(path))


def _mkdirs(folder: str) -> None:
    """os.makedirs for a tile's folders (`region/size/0`), most of them new: one mkdir per
    level, which cost a sixth of a page's tiling time through pathlib's mkdir(parents=True)."""
    try:
        os.mkdir(folder)
    except FileExistsError:  # another page's worker may be making the same folders
        pass
    except FileNotFoundError:
        _mkdirs(os.path.dirname(folder))
        _mkdirs(folder)


def plan_service(width: int, height: int, reading: tuple[int, int], folder: str,
                 tile: int = TILE) -> ImageService:
    """Every file of the service, named and sized before a pixel is rendered (bytes 0):
    the rest of the e-paper can be written from the plan while the pages rasterise."""
    if reading[0] > width or reading[1] > height:
        raise ValueError("the reading image must not be larger than the tiled image")
    factors = scale_factors(width, height, tile)
    tiles = [ImageFile(f"{folder}/{region}/{size}/0/default.jpg", sw, sh, 0)
             for factor in factors
             for region, size, _box, (sw, sh) in tile_requests(width, height, tile, factor)]
    top = ImageFile(f"{folder}/full/max/0/default.jpg", reading[0], reading[1], 0)
    sizes = tuple(f for f in tiles if f.file.startswith(f"{folder}/full/"))
    names = tuple(f.file for f in tiles) + (top.file, f"{folder}/info.json")
    return ImageService(folder, width, height, tile, factors, top, sizes, names, 0)


def write_service(full: Image.Image, reading: Image.Image, web: Path, plan: ImageService,
                  service_id: str, *, quality: int = QUALITY) -> ImageService:
    """Write the planned service: the tile pyramid of `full`, `reading` as full/max, and
    info.json. Returns the plan with the bytes written.

    `reading` is smaller than `full`: info.json's maxWidth/maxHeight say so, which makes
    it the service's `max` size without a second copy of the reading image. Each level is
    the one before halved (Pillow's box reduction: ceil sizes, as the tile rules expect).
    """
    width, height, tile = plan.width, plan.height, plan.tile
    written: dict[str, ImageFile] = {}
    level = full
    for factor in plan.scale_factors:
        if factor > 1:
            level = level.reduce(2)
        for region, size, (x, y, _w, _h), (sw, sh) in tile_requests(width, height, tile,
                                                                      factor):
            x0, y0 = x // factor, y // factor
            rel = f"{plan.folder}/{region}/{size}/0/default.jpg"
            written[rel] = _save(level.crop((x0, y0, x0 + sw, y0 + sh)), web,
                                 ImageFile(rel, sw, sh, 0), quality)
    top = _save(reading, web, plan.max, max(quality, READING_QUALITY))
    info = web / plan.folder / "info.json"
    info.write_text(json.dumps(info_json(service_id, plan), indent=1) + "\n",
                    encoding="utf-8")
    total = sum(f.bytes for f in written.values()) + top.bytes + os.path.getsize(info)
    sizes = tuple(written[f.file] for f in plan.sizes)
    return replace(plan, max=top, sizes=sizes, bytes=total)


def info_json(service_id: str, s: ImageService) -> dict[str, object]:
    """The level-0 description: full size, the cap that makes the reading image `max`,
    the whole-image sizes that exist as files, and the tile pyramid."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": s.width,
        "height": s.height,
        "maxWidth": s.max.width,
        "maxHeight": s.max.height,
        "sizes": [{"width": f.width, "height": f.height} for f in s.sizes],
        "tiles": [{"width": s.tile, "height": s.tile, "scaleFactors": list(s.scale_factors)}],
    }


def listed_files(info: dict[str, object]) -> set[str]:
    """Every file path (relative to the service folder) that `info` promises a client:
    for checking a written service against its description."""
    width, height = int(info["width"]), int(info["height"])  # type: ignore[call-overload]
    names = {"full/max/0/default.jpg"}
    for size in info.get("sizes", []):  # type: ignore[attr-defined]
        names.add(f"full/{size['width']},{size['height']}/0/default.jpg")
    for spec in info.get("tiles", []):  # type: ignore[attr-defined]
        for factor in spec["scaleFactors"]:
            for region, size, _box, _out in tile_requests(width, height, spec["width"],
                                                          factor):
                names.add(f"{region}/{size}/0/default.jpg")
    return names
