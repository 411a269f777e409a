"""Photo files as the desk sends them, read while loading: the header only (size upright,
mode, orientation, profile), and a file cut short or damaged refused by check and build
alike, naming the story's file, line and field."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, diagnostics
from PIL import Image, ImageDraw, ImageFile

from epaper.content.edition import load_edition
from epaper.content.photos import PhotoFileError, read_header

FIRST = "stories/first.md"
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 255)
# What layout sees (upright) → how a camera stores it, for each EXIF orientation.
STORED = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_270}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def quadrants(size: tuple[int, int] = (240, 160)) -> Image.Image:
    """Upright: red top left, green top right, blue bottom left, white bottom right."""
    w, h = size
    im = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, w // 2 - 1, h // 2 - 1), fill=RED)
    draw.rectangle((w // 2, 0, w - 1, h // 2 - 1), fill=GREEN)
    draw.rectangle((0, h // 2, w // 2 - 1, h - 1), fill=BLUE)
    return im


def camera_jpeg(path: Path, upright: Image.Image, orientation: int, **save: object) -> Path:
    """`upright` stored as a camera stores it with EXIF `orientation`."""
    stored = upright.transpose(STORED[orientation]) if orientation != 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=95, exif=exif.tobytes(), **save)
    return path


# -- loading reads headers only -----------------------------------------------------------

@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_header_gives_the_upright_size(tmp_path, orientation):
    path = camera_jpeg(tmp_path / "p.jpg", quadrants((240, 160)), orientation)
    header = read_header(path.read_bytes(), path.name)
    assert header.orientation == orientation
    assert header.stored_size == ((160, 240) if orientation in (6, 8) else (240, 160))
    assert header.size == (240, 160)


def test_loading_decodes_no_photo(make_edition, monkeypatch):
    """The loader reads headers (JPEG and PNG): decoding would be ~25 ms a photo."""
    quadrants().save(make_edition / "photos" / "art.png")
    edit(make_edition / FIRST, "    focus: [0.5, 0.4]\n",
         '    focus: [0.5, 0.4]\n  - file: "../photos/art.png"\n')

    def no_decoding(self):  # type: ignore[no-untyped-def]
        raise AssertionError(f"decoded {self.format} while loading")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    story = next(s for s in load_edition(make_edition).stories if s.id == "first")
    assert [p.pixel_size for p in story.photos] == [(800, 600), (240, 160)]
    assert len(story.photos[0].digest) == 64


def test_rotated_photo_has_its_upright_size_in_the_edition(make_edition):
    camera_jpeg(make_edition / "photos" / "river.jpg", quadrants((300, 200)), 6)
    story = next(s for s in load_edition(make_edition).stories if s.id == "first")
    assert story.photos[0].pixel_size == (300, 200)


# -- damaged files: check and build refuse alike -------------------------------------------

def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_truncated_jpeg_is_refused_by_check_and_build_alike(make_edition, tmp_path):
    photo = make_edition / "photos" / "river.jpg"
    photo.write_bytes(photo.read_bytes()[:-2000])  # the end of the image data is lost
    where = f"{(make_edition / FIRST).resolve()}:7:"
    out = tmp_path / "out"
    lines = []
    for proc in (run_cli("check", make_edition), run_cli("build", make_edition, "-o", out)):
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        errors = diagnostics(proc.stderr)
        assert len(errors) == 1 and errors[0].startswith(where), proc.stderr
        assert "photos[0].file: river.jpg is cut short" in errors[0]
        lines.append(errors[0])
    assert lines[0] == lines[1]
    assert not out.exists()


def _jpeg(size: tuple[int, int] = (320, 240), **save: object) -> bytes:
    buf = io.BytesIO()
    quadrants(size).save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def _png() -> bytes:
    buf = io.BytesIO()
    quadrants((64, 48)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("data, says", [
    pytest.param(_jpeg()[:-300], "cut short", id="jpeg-image-data-cut"),
    pytest.param(_jpeg(progressive=True)[:-300], "cut short", id="progressive-jpeg-cut"),
    pytest.param(_jpeg(exif=b"Exif\x00\x00" + b"\x00" * 4000)[:3000], "cut short",
                 id="jpeg-cut-inside-its-exif"),
    pytest.param(_png()[:-40], "cut short", id="png-cut"),
    pytest.param(_png()[:60] + bytes([_png()[60] ^ 0xFF]) + _png()[61:], "checksum",
                 id="png-damaged"),
])
def test_damaged_file_is_refused_without_decoding(data, says):
    with pytest.raises(PhotoFileError) as info:
        read_header(data, "x.jpg")
    assert says in info.value.message
    assert info.value.message.startswith("x.jpg ")


@pytest.mark.parametrize("data", [
    pytest.param(_jpeg() + b"\x00" * 16, id="padded"),
    pytest.param(_jpeg() + b"ftypmp42" + bytes(range(256)) * 8, id="motion-photo-video-after"),
    pytest.param(_jpeg(progressive=True) + b"trailer", id="progressive-with-trailer"),
])
def test_whole_file_with_data_after_the_image_is_accepted(data):
    assert read_header(data, "x.jpg").size == (320, 240)


def test_pixels_we_cannot_print_are_refused_while_loading(make_edition):
    """A float TIFF (a scanner's or a raw converter's export) has no meaning as ink."""
    from epaper.errors import ContentError

    Image.new("F", (40, 30), 0.5).save(make_edition / "photos" / "scan.tif")
    edit(make_edition / FIRST, "river.jpg", "scan.tif")
    with pytest.raises(ContentError) as info:
        load_edition(make_edition)
    assert info.value.field == "photos[0].file" and info.value.line == 7
    assert "scan.tif has pixels of a kind epaper cannot print (mode F)" in info.value.message


def test_a_very_large_photo_loads_without_pillows_warning():
    """Above 89 MP Pillow warns of a decompression bomb; we decode such a JPEG at the
    placed size, so loading says nothing (Pillow's refusal above 179 MP stays)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 12000, 8000, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    assert read_header(data, "lead.png").size == (12000, 8000)  # warnings are errors here
