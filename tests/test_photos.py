"""Photos printed as the desk means them: upright (EXIF orientation, in the crop too), on
paper white, 16-bit grey and line art on the black plate, through their own colour
profile, and within the press's ink limit, which each prepared image records."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image, ImageCms, ImageDraw
from test_photo_files import BLUE, FIRST, GREEN, RED, WHITE, camera_jpeg, edit, quadrants

from epaper.build import build_edition, check_edition
from epaper.content.photos import read_header
from epaper.errors import ContentError
from epaper.model.frame import Image as Placed
from epaper.render import color
from epaper.render.images import Recipe, prepare, prepare_each

PRESS = ROOT / "profiles" / "newsprint-tr002.icc"
A98 = Path("/usr/share/color/icc/ghostscript/a98.icc")  # Adobe RGB (1998)-compatible
SWOP = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def decoded(prepared) -> Image.Image:  # type: ignore[no-untyped-def]
    if prepared.filter == "FlateDecode":
        mode = {"DeviceCMYK": "CMYK", "DeviceGray": "L", "DeviceRGB": "RGB"}[
            prepared.color_space]
        return Image.frombytes(mode, (prepared.width, prepared.height),
                               zlib.decompress(prepared.data))
    im = Image.open(io.BytesIO(prepared.data))
    im.load()
    return im


def near(a: tuple[int, ...], b: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def screen(path: Path, crop: tuple[float, float, float, float], size: float = 72.0,
           ppi: float = 100.0) -> Image.Image:
    """The photo as the screen variant draws it (RGB: easy to check colours)."""
    w = crop[2] - crop[0]
    h = crop[3] - crop[1]
    return decoded(prepare(Placed(path, "d", crop, ppi), size, size * h / w, ppi,
                           variant="screen", profile=PRESS))


# -- EXIF orientation ---------------------------------------------------------------------

@pytest.mark.parametrize("orientation", range(1, 9))
def test_photo_prints_upright(tmp_path, orientation):
    path = camera_jpeg(tmp_path / "p.jpg", quadrants(), orientation)
    im = screen(path, (0, 0, 240, 160))
    w, h = im.size
    assert w > h  # landscape, as the desk sees it
    corners = [im.getpixel((w // 4, h // 4)), im.getpixel((3 * w // 4, h // 4)),
               im.getpixel((w // 4, 3 * h // 4)), im.getpixel((3 * w // 4, 3 * h // 4))]
    for got, want in zip(corners, (RED, GREEN, BLUE, WHITE), strict=True):
        assert near(got, want), (orientation, corners)


@pytest.mark.parametrize("orientation", [3, 6, 8])
@pytest.mark.parametrize("crop, want", [((120, 0, 240, 80), GREEN), ((0, 80, 120, 160), BLUE)])
def test_crop_is_taken_from_the_upright_photo(tmp_path, orientation, crop, want):
    path = camera_jpeg(tmp_path / "p.jpg", quadrants(), orientation)
    im = screen(path, crop)
    assert near(im.getpixel((im.width // 2, im.height // 2)), want)
    assert near(im.getpixel((2, 2)), want) and near(im.getpixel((im.width - 3, im.height - 3)),
                                                    want)


def test_rotated_photo_on_the_printed_page(make_edition, tmp_path):
    """A portrait photo stored sideways (Orientation 6), placed by layout with its focus
    on the upright photo, printed: red sky above, blue water below, across the frame."""
    import pypdfium2 as pdfium

    upright = Image.new("RGB", (600, 800), BLUE)
    ImageDraw.Draw(upright).rectangle((0, 0, 599, 399), fill=RED)
    camera_jpeg(make_edition / "photos" / "river.jpg", upright, 6)
    out = tmp_path / "out"
    build_edition(make_edition, out, preflight=False)
    layout = json.loads((out / "layout.json").read_text())
    box = next(e["box"] for p in layout["pages"] for e in p["elements"] if e["role"] == "photo")
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    page = pdf[0]
    trim = page.get_trimbox()
    scale = 2.0
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    bitmap.save(tmp_path / "page.png")
    x0, y0, x1, y1 = box
    height = page.get_height()

    def at(fx: float, fy: float) -> tuple[int, int, int]:
        x = trim[0] + x0 + fx * (x1 - x0)
        y = trim[1] + y0 + fy * (y1 - y0)  # PDF space: y up
        return bitmap.getpixel((round(x * scale), round((height - y) * scale)))

    # The frame is landscape: layout cropped a band round the focus (y 0.4) of the
    # upright photo, which runs from red into blue.
    top = [at(fx, 0.95) for fx in (0.05, 0.5, 0.95)]
    bottom = [at(fx, 0.05) for fx in (0.05, 0.5, 0.95)]
    assert all(r > 120 and b < 110 for r, _g, b in top), top
    assert all(b > 120 and r < 110 for r, _g, b in bottom), bottom


# -- transparency, 16-bit grey, line art ---------------------------------------------------

def _transparent(mode: str) -> Image.Image:
    """Left half: fully transparent black pixels; right half: opaque dark red."""
    rgba = Image.new("RGBA", (80, 40), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle((40, 0, 79, 39), fill=(150, 0, 0, 255))
    if mode == "RGBA":
        return rgba
    if mode == "LA":
        return rgba.convert("LA")
    if mode == "P":
        return rgba.convert("RGB").quantize(4)
    return rgba.convert("RGB")  # with a transparent colour: tRNS


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "RGB-tRNS"])
def test_transparent_pixels_print_as_paper_white(tmp_path, mode):
    path = tmp_path / "art.png"
    im = _transparent(mode)
    if mode in ("P", "RGB-tRNS"):
        black = 0 if mode == "RGB-tRNS" else im.getpixel((0, 0))
        im.save(path, transparency=(0, 0, 0) if mode == "RGB-tRNS" else black)
    else:
        im.save(path)
    out = decoded(prepare(Placed(path, "d", (0, 0, 80, 40), 72), 80, 40, 72,
                          profile=PRESS, ink_limit=240))
    gray = mode == "LA"
    assert out.mode == ("L" if gray else "CMYK")
    paper = out.getpixel((5, 20))
    ink = out.getpixel((70, 20))
    assert (paper == 255) if gray else (sum(paper) <= 3), paper  # no ink: the paper
    assert (ink < 200) if gray else (sum(ink) > 200), ink


def test_16_bit_grey_png_is_not_blank(tmp_path):
    ramp = Image.linear_gradient("L").resize((256, 64)).rotate(90, expand=True)
    wide = Image.frombytes("I;16", ramp.size,
                           b"".join((v * 257).to_bytes(2, "little") for v in ramp.tobytes()))
    path = tmp_path / "scan.png"
    wide.save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I")
    prepared = prepare(Placed(path, "d", (0, 0, 64, 256), 72), 64, 256, 72,
                       profile=PRESS, ink_limit=240)
    out = decoded(prepared)
    assert prepared.color_space == "DeviceGray"
    low, high = out.getextrema()
    assert low < 10 and high > 245  # the whole ramp, not white
    assert prepared.max_ink > 95


def _dithered(path: Path) -> Path:
    Image.linear_gradient("L").resize((1600, 1000)).convert("1").save(path)  # dithered
    return path


def test_one_bit_png_prints_on_the_black_plate(tmp_path):
    path = _dithered(tmp_path / "line.png")
    prepared = prepare(Placed(path, "d", (0, 0, 1600, 1000), 72), 400, 250, 200,
                       profile=PRESS, ink_limit=240)
    assert prepared.color_space == "DeviceGray"
    assert prepared.max_ink <= 100
    assert decoded(prepared).getextrema()[0] < 40  # its black is there


def test_edition_with_a_one_bit_photo_checks_and_builds(make_edition, tmp_path):
    """Refused by preflight with an ink error naming no photo (243 %) while check said
    ok: now it prints, and check and build agree."""
    _dithered(make_edition / "photos" / "line.png")
    edit(make_edition / FIRST, "../photos/river.jpg", "../photos/line.png")
    check_edition(make_edition)
    result = build_edition(make_edition, tmp_path / "out")
    assert result.report["preflight"]["errors"] == 0
    pf = json.loads((tmp_path / "out" / "preflight.json").read_text())
    assert max(p["max_ink_percent"] for p in pf["pages"]) <= 240.5


# -- colour through profiles ---------------------------------------------------------------

def _lab(im: Image.Image, profile: ImageCms.ImageCmsProfile, mode: str) -> tuple[float, ...]:
    to_lab = ImageCms.buildTransform(profile, ImageCms.createProfile("LAB"), mode, "LAB",
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    out = ImageCms.applyTransform(im, to_lab)
    assert out is not None
    lum, a, b = out.getpixel((out.width // 2, out.height // 2))
    return (lum * 100 / 255, a - 128, b - 128)


def _delta(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def _chroma(lab: tuple[float, ...]) -> float:
    return (lab[1] ** 2 + lab[2] ** 2) ** 0.5


@pytest.mark.skipif(not A98.exists(), reason="Ghostscript's a98.icc not installed")
def test_photo_with_its_own_profile_is_separated_through_it(tmp_path):
    """An Adobe RGB photo: its numbers mean more saturated colours than in sRGB. Taken
    through its profile, the print is nearer the photo's real colour, and more saturated,
    than when the same numbers are taken as sRGB (what every photo got before)."""
    green = Image.new("RGB", (40, 40), (60, 170, 80))
    own = tmp_path / "adobe.jpg"
    green.save(own, quality=95, icc_profile=A98.read_bytes())
    assumed = tmp_path / "plain.jpg"
    green.save(assumed, quality=95)
    press = ImageCms.getOpenProfile(str(PRESS))
    truth = _lab(green, ImageCms.getOpenProfile(str(A98)), "RGB")
    printed = {}
    for name, path in (("own", own), ("assumed", assumed)):
        out = decoded(prepare(Placed(path, "d", (0, 0, 40, 40), 72), 20, 20, 144,
                              profile=PRESS, ink_limit=240))
        printed[name] = (out.getpixel((10, 10)), _lab(out, press, "CMYK"))
    (cmyk_own, lab_own), (cmyk_assumed, lab_assumed) = printed["own"], printed["assumed"]
    assert cmyk_own[0] > cmyk_assumed[0] + 20  # more cyan: a greener green
    assert _chroma(lab_own) > _chroma(lab_assumed) + 2
    assert _delta(lab_own, truth) < _delta(lab_assumed, truth) - 2


@pytest.mark.skipif(not A98.exists(), reason="Ghostscript's a98.icc not installed")
def test_screen_variant_converts_a_non_srgb_photo_to_srgb(tmp_path):
    green = Image.new("RGB", (40, 40), (120, 150, 110))  # within sRGB's gamut
    own = tmp_path / "adobe.jpg"
    green.save(own, quality=95, icc_profile=A98.read_bytes())
    truth = _lab(green, ImageCms.getOpenProfile(str(A98)), "RGB")
    out = screen(own, (0, 0, 40, 40), size=20, ppi=144)
    srgb = ImageCms.createProfile("sRGB")
    assert _delta(_lab(out, srgb, "RGB"), truth) < 3
    assert _delta(_lab(green, srgb, "RGB"), truth) > 5  # the numbers taken as sRGB


def test_srgb_profile_is_recognised(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert color.is_srgb(srgb)
    assert color.is_srgb(b"")
    if A98.exists():
        assert not color.is_srgb(A98.read_bytes())
    # An sRGB JPEG that fits goes in as it is, profile and all: never re-encoded.
    path = tmp_path / "s.jpg"
    Image.new("RGB", (40, 30), (90, 120, 150)).save(path, quality=90, icc_profile=srgb)
    prepared = prepare(Placed(path, "d", (0, 0, 40, 30), 72), 40, 30, 72, variant="screen")
    assert prepared.data == path.read_bytes()


CYAN, BLACK = (255, 0, 0, 0), (0, 0, 0, 255)
RED_INK, GREEN_INK = (0, 255, 255, 0), (100, 0, 200, 0)


def _as_shown(ink: tuple[int, ...], profile: Path) -> tuple[float, ...]:
    """Lab of a CMYK colour on screen as `profile` says it prints: relative colorimetric
    with black-point compensation (paper white to white, the ink's black to black), as
    Photoshop and Acrobat show CMYK."""
    srgb = ImageCms.createProfile("sRGB")
    to_screen = ImageCms.buildTransform(ImageCms.getOpenProfile(str(profile)), srgb, "CMYK",
                                        "RGB", ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    shown = ImageCms.applyTransform(Image.new("CMYK", (4, 4), ink), to_screen)
    assert shown is not None
    return _lab(shown, srgb, "RGB")


def _cmyk_chart(path: Path, second: tuple[int, ...] = CYAN, third: tuple[int, ...] = BLACK,
                icc: bytes = b"") -> Path:
    """Paper and two solid patches, 30 px each, saved by Pillow (Adobe-inverted)."""
    im = Image.new("CMYK", (90, 30), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.rectangle((30, 0, 59, 29), fill=second)
    draw.rectangle((60, 0, 89, 29), fill=third)
    im.save(path, "JPEG", quality=95, **({"icc_profile": icc} if icc else {}))
    return path


def test_cmyk_art_on_screen_through_the_press_profile(tmp_path):
    """Before: Pillow's naive convert — cyan ink as pure (0, 255, 255), black as 0. Now:
    the colours the ink makes on newsprint, as the press's profile says."""
    out = screen(_cmyk_chart(tmp_path / "ad.jpg"), (0, 0, 90, 30), size=90, ppi=72)
    paper, cyan, black = (out.getpixel((x, 15)) for x in (15, 45, 75))
    assert min(paper) >= 245  # relative colorimetric: paper is screen white
    naive_cyan = Image.new("CMYK", (1, 1), (255, 0, 0, 0)).convert("RGB").getpixel((0, 0))
    assert naive_cyan == (0, 255, 255)
    assert cyan[1] < 235 and cyan[2] < 250 and cyan[0] < 120  # newsprint's duller cyan
    press_cyan = _as_shown(CYAN, PRESS)
    srgb = ImageCms.createProfile("sRGB")
    assert _delta(_lab(Image.new("RGB", (4, 4), cyan), srgb, "RGB"), press_cyan) < 3
    assert _delta(_lab(Image.new("RGB", (4, 4), naive_cyan), srgb, "RGB"), press_cyan) > 20
    assert max(black) < 60


@pytest.mark.skipif(not SWOP.exists(), reason="Ghostscript's default_cmyk.icc not installed")
def test_cmyk_art_with_its_own_profile_on_screen_through_it(tmp_path):
    """An ad separated for coated paper (SWOP) says so in its profile: its red and green
    show as SWOP inks make them, not as newsprint would."""
    own = screen(_cmyk_chart(tmp_path / "swop.jpg", RED_INK, GREEN_INK, SWOP.read_bytes()),
                 (0, 0, 90, 30), size=90, ppi=72)
    press = screen(_cmyk_chart(tmp_path / "plain.jpg", RED_INK, GREEN_INK), (0, 0, 90, 30),
                   size=90, ppi=72)
    srgb = ImageCms.createProfile("sRGB")
    for x, ink in ((45, RED_INK), (75, GREEN_INK)):
        swop = _as_shown(ink, SWOP)
        got, other = (_lab(Image.new("RGB", (4, 4), im.getpixel((x, 15))), srgb, "RGB")
                      for im in (own, press))
        assert _delta(got, swop) < 3
        assert _delta(other, swop) > 8


# -- ink ----------------------------------------------------------------------------------

def test_prepared_image_records_the_ink_it_prints_with(tmp_path):
    path = tmp_path / "p.jpg"
    quadrants().save(path, quality=95)
    prepared = prepare(Placed(path, "d", (0, 0, 240, 160), 72), 120, 80, 144,
                       profile=PRESS, ink_limit=240)
    assert prepared.max_ink == pytest.approx(color.max_ink(decoded(prepared)), abs=0.01)
    assert 150 < prepared.max_ink <= 240.5  # the dark blue quadrant


def test_sharp_art_stays_within_the_ink_limit(tmp_path):
    """Black type on white, in RGB: JPEG's ringing at the edges adds 20 % ink or more
    over the separation's own (214 % for black). The prepared image never goes over the
    limit: at 200 % even the separation's black is held down."""
    art = Image.new("RGB", (400, 200), WHITE)
    draw = ImageDraw.Draw(art)
    for k in range(6):
        draw.text((8, 8 + 30 * k), "Sharp black type 1234567890", fill=(0, 0, 0),
                  font_size=24)
    path = tmp_path / "chart.png"
    art.save(path)
    for limit in (240.0, 200.0):
        prepared = prepare(Placed(path, "d", (0, 0, 400, 200), 72), 400, 200, 72,
                           profile=PRESS, ink_limit=limit)
        assert prepared.max_ink <= limit + 0.5
        assert color.max_ink(decoded(prepared)) <= limit + 0.5


def test_rgb_without_a_press_profile_is_held_to_the_limit(tmp_path):
    path = tmp_path / "dark.png"
    Image.new("RGB", (20, 20), (0, 0, 0)).save(path)  # naive CMYK: 300 %
    prepared = prepare(Placed(path, "d", (0, 0, 20, 20), 72), 20, 20, 72, ink_limit=240)
    assert prepared.max_ink <= 240.5


def test_lossless_image_prints_within_the_limit(make_edition, tmp_path):
    """A press that takes 205 %: the separation's own black (214 %) is held to it, and
    where JPEG's ringing at hard edges would go over again the image goes in lossless
    (FlateDecode). Ghostscript's preflight of the page agrees."""
    import pikepdf
    import pypdfium2 as pdfium

    art = Image.new("RGB", (800, 600), WHITE)
    draw = ImageDraw.Draw(art)
    draw.rectangle((0, 0, 799, 299), fill=(0, 0, 0))
    for k in range(9):  # type: hard edges
        draw.text((8, 305 + 32 * k), "Sharp black type 1234567890", fill=(0, 0, 0),
                  font_size=28)
    art.save(make_edition / "photos" / "river.png")
    edit(make_edition / FIRST, "river.jpg", "river.png")
    layout = (ROOT / "layouts" / "broadsheet.yaml").read_text().replace(
        "fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/", f"profile: {ROOT / 'profiles'}/").replace(
        "ink_limit: 240", "ink_limit: 205")
    (make_edition / "press.yaml").write_text(layout)
    edit(make_edition / "edition.yaml", "layout: broadsheet", "layout: press.yaml")
    out = tmp_path / "out"
    result = build_edition(make_edition, out)
    assert result.report["preflight"]["errors"] == 0
    pf = json.loads((out / "preflight.json").read_text())
    assert pf["pages"][0]["max_ink_percent"] <= 205.5
    with pikepdf.open(out / "edition.pdf") as pdf:
        filters = [str(x.get("/Filter")) for x in pdf.objects
                   if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Image"]
    assert any("FlateDecode" in f for f in filters), filters
    page = pdfium.PdfDocument(out / "edition.pdf")[0]
    bitmap = page.render(scale=1).to_pil().convert("L")
    assert bitmap.getextrema()[0] < 60  # the black art is drawn

def _jpeg() -> bytes:
    buf = io.BytesIO()
    quadrants((320, 240)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_decode_failure_at_prepare_names_the_photo(tmp_path):
    """What only decoding finds (a scan naming a Huffman table the file lacks), or a file
    replaced after loading, is still an error naming the photo, not a traceback."""
    path = tmp_path / "p.jpg"
    data = bytearray(_jpeg())
    sos = data.index(b"\xff\xda")
    data[sos + 6] = 0x33  # the first component's tables: 3 and 3, never defined
    path.write_bytes(bytes(data))
    read_header(bytes(data), path.name)  # the structure is whole
    for content in (bytes(data), b"not a photo any more"):
        path.write_bytes(content)
        with pytest.raises(ContentError) as info:
            prepare_each(Placed(path, "d", (0, 0, 320, 240), 72), 160, 120, [Recipe(72)])
        assert info.value.file == str(path) and info.value.message.startswith("p.jpg ")
