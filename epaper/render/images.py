"""Prepare photos for a PDF: crop to the frame, downsample to the target resolution, JPEG."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image as PILImage

from epaper.model.frame import Image

JPEG_QUALITY = 85


@dataclass(frozen=True)
class PreparedImage:
    key: str  # content-derived: names the XObject, so rebuilds give identical bytes
    jpeg: bytes
    width: int
    height: int
    color_space: str


def prepare(image: Image, placed_w: float, placed_h: float, target_ppi: float) -> PreparedImage:
    """Crop `image` to its frame and scale it to `target_ppi` at placed size (never up)."""
    with PILImage.open(image.path) as src:
        src.load()
        im = src
        if im.mode not in ("RGB", "L", "CMYK"):
            im = im.convert("RGB")
        left, top, right, bottom = image.crop
        box = (round(left), round(top), round(right), round(bottom))
        im = im.crop(box)
        want_w = max(1, round(placed_w / 72.0 * target_ppi))
        want_h = max(1, round(placed_h / 72.0 * target_ppi))
        if want_w < im.width and want_h < im.height:
            im = im.resize((want_w, want_h), PILImage.Resampling.BILINEAR, reducing_gap=2.0)
        out = io.BytesIO()
        im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        data = out.getvalue()
        space = {"RGB": "DeviceRGB", "L": "DeviceGray", "CMYK": "DeviceCMYK"}[im.mode]
        key = hashlib.sha256(data).hexdigest()[:16]
        return PreparedImage(key, data, im.width, im.height, space)
