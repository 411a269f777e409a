"""Prepare photos for a PDF variant: decode at the scale the frame needs, set upright, crop,
scale to the variant's resolution, convert colour through profiles (print: the press's
CMYK; screen: sRGB), JPEG once, and measure the ink the result prints with."""

from __future__ import annotations

import hashlib
import io
import math
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

from epaper.content.photos import SIDEWAYS, PhotoFileError, PhotoHeader, read_header
from epaper.errors import ContentError
from epaper.model.frame import Image
from epaper.render import color

JPEG_QUALITY = {"print": 85, "screen": 65}
PAPER_WHITE = 255  # what shows through a transparent pixel: nothing is printed there
# How EXIF orientation N is undone (Pillow's ImageOps.exif_transpose uses the same).
UPRIGHT = {2: PILImage.Transpose.FLIP_LEFT_RIGHT, 3: PILImage.Transpose.ROTATE_180,
           4: PILImage.Transpose.FLIP_TOP_BOTTOM, 5: PILImage.Transpose.TRANSPOSE,
           6: PILImage.Transpose.ROTATE_270, 7: PILImage.Transpose.TRANSVERSE,
           8: PILImage.Transpose.ROTATE_90}


@dataclass(frozen=True)
class PreparedImage:
    key: str  # content-derived: names the XObject, so rebuilds give identical bytes
    data: bytes  # the image stream, encoded as `filter` says
    width: int
    height: int
    color_space: str
    reseparated: float = 0.0  # a CMYK source's highest ink (%) if it had to be re-separated
    max_ink: float = 0.0  # highest C+M+Y+K (%) as printed: measured on `data` decoded back
    filter: str = "DCTDecode"  # FlateDecode where JPEG's ringing would take ink over the limit


@dataclass(frozen=True)
class Recipe:
    """What one PDF variant wants of a placed photo."""

    ppi: float
    variant: str = "print"  # "print" or "screen"
    profile: Path | None = None  # the press's CMYK profile
    gray: bool = False  # print on the black plate only (a mono page)
    ink_limit: float = 0.0  # the press's total ink limit, %; 0 = none


def prepare(image: Image, placed_w: float, placed_h: float, ppi: float, *,
            variant: str = "print", profile: Path | None = None,
            gray: bool = False, ink_limit: float = 0.0) -> PreparedImage:
    """Crop `image` to its frame, scale it to `ppi` at placed size (never up) and convert
    it for `variant`. A source JPEG that already suits the variant is embedded as is.

    A CMYK source with more ink than `ink_limit` (art separated for coated paper, as ads
    often arrive) is separated again through the press profile rather than refused at
    preflight; `reseparated` says so, for the desk's warning. Whatever the source, the
    result prints within `ink_limit`."""
    recipe = Recipe(ppi, variant, profile, gray, ink_limit)
    return prepare_each(image, placed_w, placed_h, (recipe,))[0]


def prepare_each(image: Image, placed_w: float, placed_h: float,
                 recipes: Sequence[Recipe]) -> tuple[PreparedImage, ...]:
    """`prepare` for several variants of one placement, decoding the photo once (at the
    largest scale any of them needs). A pure function of the photo's bytes and the
    arguments: a worker process can run it."""
    data = _read(image)
    try:
        header = read_header(data, image.path.name)
    except PhotoFileError as exc:
        raise ContentError(exc.message, file=image.path, hint=exc.hint) from None
    wants = [_want(placed_w, placed_h, r.ppi, image.crop) for r in recipes]
    done: dict[int, PreparedImage] = {}
    for i, (recipe, want) in enumerate(zip(recipes, wants, strict=True)):
        found = _as_is(data, header, image, want, recipe)
        if found is not None:
            done[i] = found
    todo = [i for i in range(len(recipes)) if i not in done]
    if todo:
        scale = max(_scale(wants[i], image.crop) for i in todo)
        src = _decode(data, header, image, scale)
        for i in todo:
            done[i] = _finish(src, header, image.crop, wants[i], recipes[i])
    return tuple(done[i] for i in range(len(recipes)))


def _read(image: Image) -> bytes:
    try:
        return image.path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read photo {image.path}: {exc.strerror}",
                           file=image.path) from None


def _want(placed_w: float, placed_h: float, ppi: float,
          crop: tuple[float, float, float, float]) -> tuple[int, int]:
    """Pixels the frame needs at `ppi` (upright), never more than the crop has."""
    w = max(1, round(placed_w / 72.0 * ppi))
    h = max(1, round(placed_h / 72.0 * ppi))
    cw, ch = round(crop[2] - crop[0]), round(crop[3] - crop[1])
    if not (w < cw and h < ch):  # no upsampling: the crop as it is
        return (max(1, cw), max(1, ch))
    return (w, h)


def _scale(want: tuple[int, int], crop: tuple[float, float, float, float]) -> float:
    """The fraction of the source's resolution this output needs."""
    return min(1.0, max(want[0] / max(crop[2] - crop[0], 1e-9),
                        want[1] / max(crop[3] - crop[1], 1e-9)))


def _as_is(data: bytes, header: PhotoHeader, image: Image, want: tuple[int, int],
           recipe: Recipe) -> PreparedImage | None:
    """The source JPEG itself, when it is already what the variant needs: the whole
    photo, upright, at no more than the wanted resolution, in a colour space the
    variant takes, and (print) within the ink limit."""
    w, h = header.size
    crop = tuple(round(v) for v in image.crop)
    if (header.format != "JPEG" or header.orientation != 1 or crop != (0, 0, w, h)
            or want != (w, h)):
        return None
    mode = header.mode
    if recipe.variant == "screen":
        ok = mode == "L" or (mode == "RGB" and color.is_srgb(header.icc))
        return _prepared(data, w, h, mode) if ok else None
    if mode not in (("L",) if recipe.gray else ("L", "CMYK")):
        return None
    # CMYK that PDF readers would see as a negative (not stored inverted) is re-encoded.
    if mode == "CMYK" and not header.inverted:
        return None
    ink = color.max_ink(_open(data, image))
    if recipe.ink_limit and ink > recipe.ink_limit + 0.5:
        return None  # to be separated again
    return _prepared(data, w, h, mode, max_ink=ink)


def _open(data: bytes, image: Image, scale: float = 1.0,
          header: PhotoHeader | None = None) -> PILImage.Image:
    """Decode the photo; a JPEG at the smallest DCT scale (1/2, 1/4, 1/8) that still
    gives `scale` of its resolution."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            im = PILImage.open(io.BytesIO(data))
            if scale <= 0.5 and header is not None and header.format in ("JPEG", "MPO"):
                sw, sh = im.size
                im.draft(None, (math.ceil(sw * scale), math.ceil(sh * scale)))
            im.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise ContentError(f"{image.path.name} is not a readable image ({exc})",
                               file=image.path, hint="re-export it as JPEG or PNG") from None
    return im


@dataclass(frozen=True)
class _Source:
    """The decoded photo in L, RGB or CMYK, as stored (not yet upright), and how its
    pixels relate to the file's (a JPEG decoded at reduced scale)."""

    im: PILImage.Image
    sx: float
    sy: float


def _decode(data: bytes, header: PhotoHeader, image: Image, scale: float) -> _Source:
    im = _open(data, image, scale, header)
    sw, sh = header.stored_size
    return _Source(_normalise(im), im.width / sw, im.height / sh)


def _normalise(im: PILImage.Image) -> PILImage.Image:
    """Any mode we accept (content/photos.py MODES) as L, RGB or CMYK: line art and 16-bit
    grey as grey (the black plate), transparent pixels as paper white."""
    mode = im.mode
    if mode in ("L", "RGB", "CMYK") and "transparency" not in im.info:
        return im
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I"):  # 16-bit grey (PNG) or 32-bit integers: 0-65535 → 0-255
        wide = im.convert("I")
        if mode != "I" or wide.getextrema()[1] > 255:
            wide = wide.point(lambda v: v * (1 / 257))
        return wide.convert("L")
    if mode in ("P", "PA"):
        gray = _gray_palette(im)  # a grey palette prints on the black plate
        if mode == "P" and "transparency" not in im.info:
            return im.convert("L" if gray else "RGB")
        flat = _on_paper(im.convert("RGBA"))
        return flat.convert("L") if gray else flat
    if mode in ("L", "RGB"):  # with a transparent colour (tRNS)
        return _on_paper(im.convert(mode + "A"))
    if mode in ("LA", "La", "RGBA", "RGBa"):
        return _on_paper(im.convert("LA" if mode in ("LA", "La") else "RGBA"))
    return im.convert("RGB")  # RGBX, YCbCr


def _on_paper(im: PILImage.Image) -> PILImage.Image:
    """An image with alpha (LA or RGBA) composited on paper white, without its alpha."""
    base = im.mode[:-1]
    paper = PILImage.new(base, im.size, (PAPER_WHITE,) * len(base))
    paper.paste(im.convert(base), mask=im.getchannel("A"))
    return paper


def _gray_palette(im: PILImage.Image) -> bool:
    pal = im.getpalette() or []
    return all(pal[i] == pal[i + 1] == pal[i + 2] for i in range(0, len(pal) - 2, 3))


def stored_box(crop: tuple[float, float, float, float], orientation: int,
               stored: tuple[int, int]) -> tuple[float, float, float, float]:
    """An upright crop (what the desk sees) in the stored pixels' coordinates."""
    sw, sh = stored
    undo = {1: lambda u, v: (u, v), 2: lambda u, v: (sw - u, v),
            3: lambda u, v: (sw - u, sh - v), 4: lambda u, v: (u, sh - v),
            5: lambda u, v: (v, u), 6: lambda u, v: (v, sh - u),
            7: lambda u, v: (sw - v, sh - u), 8: lambda u, v: (sw - v, u)}[orientation]
    (x0, y0), (x1, y1) = undo(crop[0], crop[1]), undo(crop[2], crop[3])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _finish(src: _Source, header: PhotoHeader, crop: tuple[float, float, float, float],
            want: tuple[int, int], recipe: Recipe) -> PreparedImage:
    """Crop, scale, set upright, convert and encode one variant from the decoded photo."""
    x0, y0, x1, y1 = stored_box(crop, header.orientation, header.stored_size)
    box = (x0 * src.sx, y0 * src.sy, x1 * src.sx, y1 * src.sy)
    size = want[::-1] if header.orientation in SIDEWAYS else want
    im = src.im
    if size == (round(box[2] - box[0]), round(box[3] - box[1])):
        im = im.crop(tuple(round(v) for v in box))  # at the source's own resolution
    else:
        im = im.resize(size, PILImage.Resampling.BILINEAR, box=box, reducing_gap=2.0)
    if header.orientation in UPRIGHT:
        im = im.transpose(UPRIGHT[header.orientation])  # on the small image: cheap
    heavy = 0.0
    if recipe.gray:
        im = _to_gray(im, header.icc, recipe.profile)
    elif recipe.variant == "print":
        im, heavy = _to_press(im, header.icc, recipe)
    else:
        im = _to_screen(im, header.icc, recipe.profile)
    return _encode(im, recipe, heavy)


def _to_gray(im: PILImage.Image, icc: bytes, press: Path | None) -> PILImage.Image:
    """The black plate only: the luminance of the photo's colours as its profile means
    them."""
    if im.mode == "L":
        return im
    return _to_screen(im, icc, press).convert("L")


def _to_press(im: PILImage.Image, icc: bytes, recipe: Recipe) -> tuple[PILImage.Image, float]:
    """The press's CMYK (grey stays grey: the black plate), held to the ink limit.
    Returns the image and, for CMYK art over the limit, its ink before separating again."""
    press, limit = recipe.profile, recipe.ink_limit
    heavy = 0.0
    if im.mode == "RGB":
        im = color.apply(im, color.rgb_to_press(press, icc)) if press else im.convert("CMYK")
    elif im.mode == "CMYK" and press and limit:
        ink = color.max_ink(im)
        if ink > limit + 0.5:
            heavy = ink
            im = color.apply(im, color.reseparate(press, icc))
    if im.mode == "CMYK" and limit and color.max_ink(im) > limit:
        # A profile may overshoot its own limit by a few %, and an RGB image converted
        # without one reaches 300 %.
        im = color.limit_ink(im, limit)
    return im, heavy


def _to_screen(im: PILImage.Image, icc: bytes, press: Path | None) -> PILImage.Image:
    """sRGB, through the photo's own profile (CMYK art without one: the press's)."""
    if im.mode == "RGB":
        transform = color.rgb_to_srgb(icc)
        return color.apply(im, transform) if transform else im
    if im.mode == "CMYK":
        transform = color.cmyk_to_srgb(icc, press)
        return color.apply(im, transform) if transform else im.convert("RGB")
    return im


def _encode(im: PILImage.Image, recipe: Recipe, heavy: float) -> PreparedImage:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=JPEG_QUALITY[recipe.variant], optimize=True)
    jpeg = out.getvalue()
    if recipe.variant != "print":
        return _prepared(jpeg, im.width, im.height, im.mode)
    # JPEG adds ink (ringing at sharp edges: up to 20 % on line art): measure what prints.
    # Held to the limit itself, not preflight's +0.5 %: another decoder may round
    # differently.
    ink = color.max_ink(PILImage.open(io.BytesIO(jpeg)))
    if recipe.ink_limit and ink > recipe.ink_limit:
        # Lossless instead, which prints exactly the ink measured before encoding.
        return _prepared(zlib.compress(im.tobytes(), 6), im.width, im.height, im.mode, heavy,
                         color.max_ink(im), "FlateDecode")
    return _prepared(jpeg, im.width, im.height, im.mode, heavy, ink)


def _prepared(data: bytes, width: int, height: int, mode: str, reseparated: float = 0.0,
              max_ink: float = 0.0, filter: str = "DCTDecode") -> PreparedImage:
    space = {"RGB": "DeviceRGB", "L": "DeviceGray", "CMYK": "DeviceCMYK"}[mode]
    return PreparedImage(hashlib.sha256(data).hexdigest()[:16], data, width, height, space,
                         reseparated, round(max_ink, 2), filter)
