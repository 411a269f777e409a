"""Prepare photos for a PDF variant: crop to the frame, scale to the variant's resolution,
convert colour (print: the press's CMYK profile; screen: sRGB), JPEG once."""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms, ImageMath

from epaper.model.frame import Image

JPEG_QUALITY = {"print": 85, "screen": 65}


@dataclass(frozen=True)
class PreparedImage:
    key: str  # content-derived: names the XObject, so rebuilds give identical bytes
    jpeg: bytes
    width: int
    height: int
    color_space: str
    reseparated: float = 0.0  # a CMYK source's highest ink (%) if it had to be re-separated


@functools.cache
def _to_cmyk(profile: Path) -> ImageCms.ImageCmsTransform:
    """sRGB → the press's CMYK. Perceptual with black-point compensation keeps shadow
    detail and stays under the profile's ink limit; relative colorimetric clips shadows."""
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)), "RGB", "CMYK",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@functools.cache
def _reseparate(profile: Path, source: bytes | None) -> ImageCms.ImageCmsTransform:
    """CMYK → Lab → the press's CMYK: the profile's own separation, ink limit included.
    The source's embedded profile says what its numbers mean; without one they are taken
    to be meant for this press."""
    press = ImageCms.getOpenProfile(str(profile))
    if source:
        try:  # an embedded profile that is not CMYK (or not a profile) cannot be used
            return ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(source)),
                                           press, "CMYK", "CMYK",
                                           renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                           flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
        except (ImageCms.PyCMSError, OSError):
            pass
    return ImageCms.buildTransform(press, press, "CMYK", "CMYK",
                                   renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def max_ink(im: PILImage.Image) -> float:
    """The highest total of C+M+Y+K of any pixel of a CMYK image, in percent."""
    c, m, y, k = im.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255 * 100


def image_key(image: Image, gray: bool) -> str:
    """Which prepared image an element draws: the same photo may be colour on one page
    and black-only on another."""
    return image.digest + repr(image.crop) + ("/gray" if gray else "")


def prepare(image: Image, placed_w: float, placed_h: float, ppi: float, *,
            variant: str = "print", profile: Path | None = None,
            gray: bool = False, ink_limit: float = 0.0) -> PreparedImage:
    """Crop `image` to its frame, scale it to `ppi` at placed size (never up) and convert
    it for `variant`. A source JPEG that already suits the variant is embedded as is.

    A CMYK source with more ink than `ink_limit` (art separated for coated paper, as ads
    often arrive) is separated again through the press profile rather than refused at
    preflight; `reseparated` says so, for the desk's warning."""
    with PILImage.open(image.path) as src:
        src.load()
        im = src
        fmt = src.format
        left, top, right, bottom = (round(v) for v in image.crop)
        whole = (left, top, right, bottom) == (0, 0, src.width, src.height)
        want_w = max(1, round(placed_w / 72.0 * ppi))
        want_h = max(1, round(placed_h / 72.0 * ppi))
        shrink = want_w < right - left and want_h < bottom - top
        modes = ("L",) if gray else ("L", "CMYK") if variant == "print" else ("L", "RGB")
        heavy = 0.0
        if (variant == "print" and not gray and im.mode == "CMYK" and profile and ink_limit
                and max_ink(im) > ink_limit + 0.5):
            heavy = max_ink(im)
        if fmt == "JPEG" and whole and not shrink and im.mode in modes and not heavy:
            return _prepared(image.path.read_bytes(), im.width, im.height, im.mode)
        if im.mode not in ("RGB", "L", "CMYK"):
            im = im.convert("RGB")
        im = im.crop((left, top, right, bottom))
        if shrink:
            im = im.resize((want_w, want_h), PILImage.Resampling.BILINEAR, reducing_gap=2.0)
        if gray and im.mode != "L":
            im = im.convert("RGB").convert("L")  # black plate only: luminance
        elif variant == "print" and im.mode == "RGB":
            im = ImageCms.applyTransform(im, _to_cmyk(profile)) if profile else im.convert("CMYK")
        elif heavy and profile:
            im = ImageCms.applyTransform(im, _reseparate(profile, src.info.get("icc_profile")))
        elif variant == "screen" and im.mode == "CMYK":
            im = im.convert("RGB")
        out = io.BytesIO()
        im.save(out, "JPEG", quality=JPEG_QUALITY[variant], optimize=True)
        return _prepared(out.getvalue(), im.width, im.height, im.mode, heavy)


def _prepared(data: bytes, width: int, height: int, mode: str,
              reseparated: float = 0.0) -> PreparedImage:
    space = {"RGB": "DeviceRGB", "L": "DeviceGray", "CMYK": "DeviceCMYK"}[mode]
    return PreparedImage(hashlib.sha256(data).hexdigest()[:16], data, width, height, space,
                         reseparated)
