"""Colour for photos: ICC transforms from a photo's own profile to the press's CMYK or to
sRGB, and ink — a CMYK image's highest total and holding it to the press's limit."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageCms, ImageMath

Transform = ImageCms.ImageCmsTransform
PERCEPTUAL = ImageCms.Intent.PERCEPTUAL
RELATIVE = ImageCms.Intent.RELATIVE_COLORIMETRIC
BPC = ImageCms.Flags.BLACKPOINTCOMPENSATION


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.cache
def _press(path: Path) -> ImageCms.ImageCmsProfile:
    return ImageCms.getOpenProfile(str(path))


@functools.cache
def embedded(icc: bytes, mode: str) -> ImageCms.ImageCmsProfile | None:
    """The photo's own profile if it can describe its pixels: parsed, and for the same
    colour space ("RGB" or "CMYK"). None if there is none, or it is unusable (then the
    pixels are taken as sRGB, or as meant for this press, as a viewer would)."""
    if not icc:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None
    space = profile.profile.xcolor_space.strip()
    return profile if space == mode else None


# Colours to tell an sRGB profile from another: ramps of each primary, grey and mixes.
_PROBE = [(v, 0, 0) for v in range(0, 256, 51)] + [(0, v, 0) for v in range(0, 256, 51)] \
    + [(0, 0, v) for v in range(0, 256, 51)] + [(v, v, v) for v in range(0, 256, 17)] \
    + [(200, 120, 40), (40, 160, 200), (120, 40, 160), (250, 220, 180)]


@functools.cache
def is_srgb(icc: bytes) -> bool:
    """Whether an embedded RGB profile means sRGB (cameras and exporters embed their own
    copies of it): its colours land on themselves in sRGB, within rounding."""
    profile = embedded(icc, "RGB")
    if profile is None:
        return True  # no usable profile: the pixels are taken as sRGB
    probe = Image.frombytes("RGB", (len(_PROBE), 1), bytes(v for p in _PROBE for v in p))
    try:
        out = ImageCms.applyTransform(probe, _build(profile, _srgb(), "RGB", "RGB", RELATIVE))
    except ImageCms.PyCMSError:
        return True
    assert out is not None
    return all(abs(a - b) <= 3 for a, b in zip(probe.tobytes(), out.tobytes(), strict=True))


def _build(src: ImageCms.ImageCmsProfile, dst: ImageCms.ImageCmsProfile, in_mode: str,
           out_mode: str, intent: ImageCms.Intent = PERCEPTUAL) -> Transform:
    # Black-point compensation keeps shadow detail: without it relative colorimetric
    # clips everything darker than the press's black to full ink.
    return ImageCms.buildTransform(src, dst, in_mode, out_mode, renderingIntent=intent,
                                   flags=BPC)


@functools.cache
def rgb_to_press(press: Path, icc: bytes = b"") -> Transform:
    """RGB → the press's CMYK, from the photo's own profile (sRGB if it has none).
    Perceptual with black-point compensation stays under the profile's ink limit."""
    source = None if is_srgb(icc) else embedded(icc, "RGB")
    return _build(source or _srgb(), _press(press), "RGB", "CMYK")


@functools.cache
def rgb_to_srgb(icc: bytes) -> Transform | None:
    """RGB in the photo's own profile → sRGB (screens, and the luminance of a black-only
    page); None when it is sRGB already."""
    if is_srgb(icc):
        return None
    source = embedded(icc, "RGB")
    return _build(source, _srgb(), "RGB", "RGB") if source else None


@functools.cache
def cmyk_to_srgb(icc: bytes, press: Path | None) -> Transform | None:
    """CMYK → sRGB through the photo's own CMYK profile, else the press's (art without
    one is taken to be meant for this press). Relative colorimetric: paper white becomes
    screen white, and the rest as the ink would show it. None without any profile."""
    source = embedded(icc, "CMYK") or (_press(press) if press else None)
    return _build(source, _srgb(), "CMYK", "RGB", RELATIVE) if source else None


@functools.cache
def reseparate(press: Path, icc: bytes = b"") -> Transform:
    """CMYK → Lab → the press's CMYK: the profile's own separation, ink limit included.
    The source's embedded profile says what its numbers mean; without one (or with one
    that is not CMYK) they are taken to be meant for this press."""
    return _build(embedded(icc, "CMYK") or _press(press), _press(press), "CMYK", "CMYK")


def apply(im: Image.Image, transform: Transform) -> Image.Image:
    out = ImageCms.applyTransform(im, transform)
    assert out is not None  # not in place
    return out


def max_ink(im: Image.Image) -> float:
    """The highest total ink of any pixel, in percent: C+M+Y+K of a CMYK image, K of a
    greyscale one (DeviceGray prints on the black plate)."""
    if im.mode == "L":
        return (255 - im.getextrema()[0]) / 255 * 100
    c, m, y, k = im.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255 * 100


def limit_ink(im: Image.Image, limit: float) -> Image.Image:
    """Hold every pixel of a CMYK image to `limit` % total ink by taking its C, M and Y
    down together; K, which carries the shadows' detail, stays (unless it alone is over).
    Pixels under the limit are untouched."""
    room = max(0.0, limit * 2.55 - 1.5)  # rounding back to 8 bits may add up to 1.5
    c, m, y, k = (band.convert("F") for band in im.split())  # float: constants mix in

    def scaled(a: dict) -> object:
        f = a["min"](a["max"](room - a["k"], 0.0) / a["max"](a["c"] + a["m"] + a["y"], 1.0),
                     1.0)
        return a["convert"](a["ch"] * f, "L")

    cmy = [ImageMath.lambda_eval(scaled, ch=ch, c=c, m=m, y=y, k=k) for ch in (c, m, y)]
    black = ImageMath.lambda_eval(lambda a: a["convert"](a["min"](a["k"], room), "L"), k=k)
    return Image.merge("CMYK", (*cmy, black))
