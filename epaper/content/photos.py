"""Read a photo file's header (format, mode, size, EXIF orientation, ICC profile) and check
that the file is whole, without decoding its pixels."""

from __future__ import annotations

import io
import re
import warnings
import zlib
from dataclasses import dataclass, replace

from PIL import Image, UnidentifiedImageError

# Pixel modes a photo may arrive in, as Pillow names them; prepare turns each into L, RGB
# or CMYK (images.py). Anything else (float, Lab, HSV TIFFs) is refused while loading.
MODES = frozenset({"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK",
                   "YCbCr", "I", "I;16", "I;16B", "I;16L", "I;16N"})
TRANSPARENT_MODES = frozenset({"LA", "La", "PA", "RGBA", "RGBa"})
# EXIF orientations that swap width and height (5-8: the photo was taken on its side).
SIDEWAYS = frozenset({5, 6, 7, 8})
EXIF_ORIENTATION = 0x0112

RE_EXPORT = "re-export it as JPEG or PNG"
AGAIN = "copy or export the photo again"


class PhotoFileError(Exception):
    """The file is not a whole image epaper can print; the message names the file."""

    def __init__(self, message: str, hint: str = RE_EXPORT) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class PhotoHeader:
    """What a photo's header says. `stored_size` is how the pixels lie in the file;
    `size` is the photo upright, as the desk sees it (crops and focus points use it)."""

    format: str  # Pillow's name: "JPEG", "MPO" (a camera JPEG with a second image), "PNG"
    mode: str  # as stored: "RGB", "L", "CMYK", "RGBA", "P", "1", "I;16", …
    stored_size: tuple[int, int]
    orientation: int = 1  # EXIF Orientation, 1-8; 1 = stored upright
    icc: bytes = b""  # the embedded ICC profile, if any
    transparent: bool = False  # an alpha channel or a transparent colour (PNG tRNS)
    inverted: bool = False  # CMYK JPEG stored inverted (Adobe APP14), as PDF expects it

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.stored_size
        return (h, w) if self.orientation in SIDEWAYS else (w, h)


def read_header(data: bytes, name: str) -> PhotoHeader:
    """The header of the photo file `name` whose bytes are `data`. Raises PhotoFileError
    if it is not an image, is cut short or damaged, too large, or of a kind we cannot
    print. JPEG and PNG are checked by walking their structure (no decoding); other
    formats Pillow reads are decoded once, as that is the only check they have."""
    # The structure first: a file cut short should say so, wherever it was cut.
    exif = b""
    if data.startswith(b"\xff\xd8"):
        _refuse(name, jpeg_problem(data))
    elif data.startswith(PNG_SIGNATURE):
        problem, exif = png_chunks(data)
        _refuse(name, problem)
    with warnings.catch_warnings():
        # Pillow warns above 89 MP; we decode at the placed size (JPEG DCT scaling), and
        # refuse only what Pillow itself refuses (over 179 MP).
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                header = _header(im)
        except Image.DecompressionBombError as exc:
            raise PhotoFileError(f"{name} is too large to open safely ({exc})",
                                 hint="scale the image down: a press photo needs about 200 "
                                      "ppi at the size it is printed") from None
        except UnidentifiedImageError:
            raise PhotoFileError(f"{name} is not an image (not a format epaper reads)"
                                 ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoFileError(f"{name} is not a readable image ({exc})") from None
        if header.mode not in MODES:
            raise PhotoFileError(f"{name} has pixels of a kind epaper cannot print "
                                 f"(mode {header.mode})",
                                 hint="re-export it as an 8-bit RGB or greyscale JPEG or PNG")
        if header.format not in ("JPEG", "MPO", "PNG"):
            _refuse(name, _decode_problem(data))
    if exif and header.orientation == 1:  # a PNG's eXIf chunk after its pixels
        header = replace(header, orientation=_orientation(exif))
    return header


def _refuse(name: str, problem: str) -> None:
    if problem:
        raise PhotoFileError(f"{name} {problem}",
                             hint=AGAIN if "cut short" in problem else RE_EXPORT)


def _header(im: Image.Image) -> PhotoHeader:
    try:
        # The base method reads what the header holds (EXIF, XMP); PNG's own would decode
        # the whole image to look for an eXIf chunk after the pixels (png_chunks finds it).
        orientation = _valid(Image.Image.getexif(im).get(EXIF_ORIENTATION, 1))
    except (ValueError, TypeError, OSError, SyntaxError):  # unreadable EXIF: as stored
        orientation = 1
    icc = im.info.get("icc_profile") or b""
    return PhotoHeader(
        format=im.format or "", mode=im.mode, stored_size=im.size, orientation=orientation,
        icc=icc if isinstance(icc, bytes) else b"",
        transparent=im.mode in TRANSPARENT_MODES or "transparency" in im.info,
        inverted=im.mode == "CMYK" and "adobe" in im.info)


def _valid(value: object) -> int:
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation(exif: bytes) -> int:
    try:
        found = Image.Exif()
        found.load(exif)
        return _valid(found.get(EXIF_ORIENTATION, 1))
    except (ValueError, TypeError, OSError, SyntaxError):
        return 1


# A marker inside JPEG image data: 0xFF followed by anything but a stuffed zero, a restart
# marker (RST0-7) or another 0xFF (fill).
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                  0xCF})
_CUT = "is cut short: the file ends before its image data does"


def jpeg_problem(data: bytes) -> str:
    """What is wrong with a JPEG's structure ("" if nothing): the segments up to the first
    scan must fit in the file, and the image data must end with an EOI marker."""
    if data[:2] != b"\xff\xd8":
        return "is not a JPEG file (it does not start with a JPEG marker)"
    pos, frame = _segments(data, 2)
    if pos < 0:
        return _CUT if pos == -1 else "is damaged: a JPEG segment is malformed"
    if not frame:
        return "is damaged: its image data comes before the frame header"
    # Almost every file ends with its EOI (perhaps padded): no need to read the scans.
    if data[-64:].rstrip(b"\x00\xff").endswith(b"\xff\xd9"):
        return ""
    # Something follows the image (a phone's motion video, a second picture): walk the
    # scans to find where the first image ends.
    return "" if jpeg_end(data, pos) else _CUT


def _segments(data: bytes, pos: int) -> tuple[int, bool]:
    """Walk marker segments from `pos` to the first scan's data. Returns (where the scan
    data starts, whether a frame header was seen); the position is -1 if the file ends
    first, -2 if a segment is malformed."""
    n = len(data)
    frame = False
    while True:
        while pos < n and data[pos] == 0xFF and pos + 1 < n and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 4 > n:
            return -1, frame
        if data[pos] != 0xFF:
            return -2, frame
        marker = data[pos + 1]
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD8, 0xD9):  # a second start, or the end before any image data
            return -2, frame
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2:
            return -2, frame
        if pos + 2 + length > n:
            return -1, frame
        frame = frame or marker in _SOF
        pos += 2 + length
        if marker == 0xDA:
            return pos, frame


def jpeg_end(data: bytes, scan: int) -> int:
    """Where the first image of a JPEG ends (just past its EOI), scanning from the first
    scan's data at `scan`; 0 if the file ends first."""
    pos = scan
    n = len(data)
    while True:
        found = _MARKER.search(data, pos)
        if found is None:
            return 0
        at = found.start()
        if data[at + 1] == 0xD9:
            return at + 2
        # A table or another scan between scans (progressive JPEG): skip its segment.
        if at + 4 > n:
            return 0
        pos = at + 2 + int.from_bytes(data[at + 2:at + 4], "big")
        if pos > n:
            return 0


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> tuple[str, bytes]:
    """What is wrong with a PNG's structure ("" if nothing): every chunk must fit in the
    file with its checksum right, up to the IEND chunk; and its eXIf chunk's data."""
    if not data.startswith(PNG_SIGNATURE):
        return "is not a PNG file", b""
    view = memoryview(data)
    pos, n = len(PNG_SIGNATURE), len(data)
    exif = b""
    while pos + 12 <= n:
        length = int.from_bytes(view[pos:pos + 4], "big")
        end = pos + 12 + length
        if end > n:
            break
        kind = bytes(view[pos + 4:pos + 8])
        if zlib.crc32(view[pos + 4:end - 4]) != int.from_bytes(view[end - 4:end], "big"):
            return (f"is damaged: the checksum of its {kind.decode('latin-1')!r} chunk "
                    "is wrong"), b""
        if kind == b"IEND":
            return "", exif
        if kind == b"eXIf":
            exif = bytes(view[pos + 8:end - 4])
        pos = end
    return _CUT, b""


def _decode_problem(data: bytes) -> str:
    """Formats without a cheap structural check (TIFF, WebP, GIF, …): decode once."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            im.load()  # verify() does not decode: a truncated file only fails here
    except (OSError, SyntaxError, ValueError) as exc:
        return f"is not a readable image ({exc})"
    return ""
