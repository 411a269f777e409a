"""Preflight: the sample's print PDF passes, and each rule it claims to check catches a
file built to break it. Print geometry: boxes, crop marks, bleed, screen variant."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from conftest import ROOT, leftovers
from pdfx_helpers import finish_print, no_initial_font
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from epaper.build import build_edition
from epaper.cli import main
from epaper.preflight import preflight_file

PROFILE = ROOT / "profiles" / "newsprint-tr002.icc"
MM = 72 / 25.4
needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


def make_pdf(path: Path, draw=None, *, trim: bool = True, finish: bool = True,
             encrypt: str | None = None) -> Path:
    """A one-page 100 x 100 mm print file: a 40 % cyan box, boxes, PDF/X keys; `draw`
    adds the one fault a test is about."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(120 * MM, 120 * MM), invariant=1, encrypt=encrypt,
               initialFontName=no_initial_font())
    c.setFillColorCMYK(0.4, 0, 0, 0)
    c.rect(20 * MM, 20 * MM, 50 * MM, 50 * MM, stroke=0, fill=1)
    if draw:
        draw(c)
    if trim:
        c.setTrimBox((10 * MM, 10 * MM, 110 * MM, 110 * MM))
    c.setBleedBox((7 * MM, 7 * MM, 113 * MM, 113 * MM))
    c.showPage()
    c.save()
    data = buf.getvalue()
    if finish and not encrypt:
        data = finish_print(data, profile=PROFILE, profile_name="newsprint",
                            day=dt.date(2026, 12, 7))
    path.write_bytes(data)
    return path


def image(path: Path, mode: str, size: tuple[int, int]) -> str:
    Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (0, 50, 60, 10)).save(
        path, "JPEG")
    return str(path)


def checks(pf) -> set[str]:
    return {f.check for f in pf.errors}


def test_clean_file_passes(tmp_path):
    pf = preflight_file(make_pdf(tmp_path / "ok.pdf"))
    assert pf.errors == [], pf.summary()
    assert pf.pdfx == "PDF/X-1a:2003"
    (page,) = pf.pages
    assert page.boxes["trim"] == pytest.approx([10 * MM, 10 * MM, 110 * MM, 110 * MM], abs=0.01)


def test_rgb_image_is_an_error(tmp_path):
    src = image(tmp_path / "rgb.jpg", "RGB", (600, 600))
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", lambda c: c.drawImage(
        src, 20 * MM, 20 * MM, 50 * MM, 50 * MM)))
    assert checks(pf) == {"colour"}
    assert "DeviceRGB" in str(pf.errors[0])


def test_rgb_vector_colour_is_an_error(tmp_path):
    def draw(c):
        c.setFillColorRGB(1, 0, 0)
        c.rect(30 * MM, 30 * MM, 10 * MM, 10 * MM, stroke=0, fill=1)
    assert checks(preflight_file(make_pdf(tmp_path / "f.pdf", draw))) == {"colour"}


def test_unembedded_font_is_an_error(tmp_path):
    def draw(c):
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont("Helvetica", 10)
        c.drawString(30 * MM, 30 * MM, "Dhaka")
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", draw))
    assert checks(pf) == {"fonts"}
    assert "Helvetica is not embedded" in str(pf.errors[0])


@needs_gs
def test_ink_over_the_limit_is_an_error(tmp_path):
    def draw(c):
        c.setFillColorCMYK(0.9, 0.8, 0.8, 1)  # 350 %
        c.rect(30 * MM, 30 * MM, 10 * MM, 10 * MM, stroke=0, fill=1)
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", draw))
    assert checks(pf) == {"ink"}
    assert pf.pages[0].max_ink == pytest.approx(350, abs=1)


@needs_gs
def test_ink_under_the_limit_is_measured(tmp_path):
    pf = preflight_file(make_pdf(tmp_path / "f.pdf"))
    assert pf.pages[0].max_ink == pytest.approx(40, abs=1)


def test_missing_trimbox_is_an_error(tmp_path):
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", trim=False))
    assert checks(pf) == {"boxes"}
    assert "no TrimBox" in str(pf.errors[0])


def test_low_resolution_photo_is_an_error_and_a_soft_one_a_warning(tmp_path):
    low = image(tmp_path / "low.jpg", "CMYK", (60, 60))  # 60 px over 50 mm: 30 ppi
    soft = image(tmp_path / "soft.jpg", "CMYK", (200, 200))  # 102 ppi
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", lambda c: (
        c.drawImage(low, 20 * MM, 20 * MM, 50 * MM, 50 * MM),
        c.drawImage(soft, 60 * MM, 60 * MM, 50 * MM, 50 * MM))))
    assert checks(pf) == {"resolution"}
    assert "30 ppi" in str(pf.errors[0])
    assert [str(w) for w in pf.warnings if w.check == "resolution"][0].endswith(
        "at 102 ppi (minimum 150)")


def text_pdf(path: Path, cmyk: tuple[float, float, float, float], size: float) -> Path:
    """A print file with one line of embedded-font text in `cmyk` at `size` pt."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("NotoSansTest", str(ROOT / "fonts" / "NotoSans-Regular.ttf")))

    def draw(c):  # type: ignore[no-untyped-def]
        c.setFillColorCMYK(*cmyk)
        c.setFont("NotoSansTest", size)
        c.drawString(30 * MM, 30 * MM, "small print")
    return make_pdf(path, draw)


def test_tiny_text_is_an_error(tmp_path):
    pf = preflight_file(text_pdf(tmp_path / "f.pdf", (0, 0, 0, 1), 4))
    assert checks(pf) == {"text"}
    assert "4.0pt is smaller than the 5pt minimum" in str(pf.errors[0])


def test_rich_black_small_text_is_an_error(tmp_path):
    pf = preflight_file(text_pdf(tmp_path / "f.pdf", (0.6, 0.4, 0.4, 1), 9))
    assert checks(pf) == {"colour"}
    assert preflight_file(text_pdf(tmp_path / "k.pdf", (0, 0, 0, 1), 9)).errors == []


def test_hairline_is_an_error(tmp_path):
    def draw(c):
        c.setStrokeColorCMYK(0, 0, 0, 1)
        c.setLineWidth(0.1)
        c.line(20 * MM, 80 * MM, 90 * MM, 80 * MM)
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", draw))
    assert checks(pf) == {"hairline"}


def test_transparency_is_an_error(tmp_path):
    def draw(c):
        c.setFillAlpha(0.5)
        c.rect(30 * MM, 30 * MM, 10 * MM, 10 * MM, stroke=0, fill=1)
    assert checks(preflight_file(make_pdf(tmp_path / "f.pdf", draw))) == {"transparency"}


def test_missing_output_intent_is_an_error(tmp_path):
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", finish=False))
    assert checks(pf) == {"pdfx"}


def test_encryption_is_an_error(tmp_path):
    pf = preflight_file(make_pdf(tmp_path / "f.pdf", encrypt="secret"))
    assert "encryption" in checks(pf)


def test_cli_exit_codes_and_json(tmp_path):
    good = make_pdf(tmp_path / "good.pdf")
    bad = make_pdf(tmp_path / "bad.pdf", trim=False)
    runner = CliRunner()
    ok = runner.invoke(main, ["preflight", str(good), "--json", str(tmp_path / "g.json")])
    assert ok.exit_code == 0, ok.output
    assert "preflight: passed" in ok.output
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["ok"] is True
    fail = runner.invoke(main, ["preflight", str(bad)])
    assert fail.exit_code == 1
    assert "ERROR page 1: boxes: no TrimBox" in fail.output
    missing = runner.invoke(main, ["preflight", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 1 and "no such file" in missing.output


# -- the sample's print and screen PDFs ---------------------------------------------------

def test_sample_print_pdf_passes_preflight(sample_build):
    out, result = sample_build
    report = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    assert report["ok"] and report["errors"] == []
    assert report["pdfx"] == "PDF/X-1a:2003"
    assert result.report["preflight"]["errors"] == 0
    if shutil.which("gs"):
        inks = [p["max_ink_percent"] for p in report["pages"]]
        assert all(100 <= i <= 240 for i in inks), inks
    for page in report["pages"]:
        assert {s.lstrip("/") for s in page["color_spaces"]} <= {"DeviceCMYK", "DeviceGray"}


def test_sample_print_pdf_carries_output_intent(sample_build):
    out, _ = sample_build
    with pikepdf.open(out / "edition.pdf") as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.S) == "/GTS_PDFX"
        assert intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
        assert str(pdf.docinfo.Trapped) == "/False"


def _boxes(page: pdfium.PdfPage) -> tuple[tuple[float, ...], ...]:
    return page.get_mediabox(), page.get_bleedbox(), page.get_trimbox()


def test_print_boxes_nest_with_3mm_bleed(sample_build):
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "pages" / "01.pdf")
    try:
        media, bleed, trim = _boxes(pdf[0])
    finally:
        pdf.close()
    assert trim[2] - trim[0] == pytest.approx(330 * MM, abs=0.01)
    assert [b - t for b, t in zip(bleed, trim, strict=False)] == pytest.approx(
        [-3 * MM, -3 * MM, 3 * MM, 3 * MM], abs=0.01)
    assert media[0] == 0 and media[2] > bleed[2] + 10 * MM  # room for the marks


def _render(path: Path, scale: float) -> tuple[Image.Image, tuple[float, ...], float]:
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        img = page.render(scale=scale).to_pil().convert("L")
        return img, page.get_trimbox(), page.get_size()[1]
    finally:
        pdf.close()


def test_crop_marks_sit_on_the_trim_corners(sample_build):
    out, _ = sample_build
    scale = 200 / 72  # rasterised at 200 dpi: a 0.25 pt mark is 0.7 px
    img, (x0, y0, x1, y1), page_h = _render(out / "pages" / "08.pdf", scale)

    def px(x: float, y: float) -> int:  # PDF point -> pixel value
        return img.getpixel((int(x * scale), int((page_h - y) * scale)))

    start = 3 * MM + 1.5  # marks begin clear of the bleed
    for cx, sx in ((x0, -1), (x1, 1)):
        for cy, sy in ((y0, -1), (y1, 1)):
            # Along the trim lines, outside the bleed: dark.
            assert px(cx + sx * (start + 8), cy) < 160, (cx, cy)
            assert px(cx, cy + sy * (start + 8)) < 160, (cx, cy)
            # Diagonally off the corner, and inside the bleed: nothing printed.
            assert px(cx + sx * (start + 8), cy + sy * (start + 8)) > 200
            assert px(cx + sx * (start - 3), cy) > 200
            # A mark sits exactly on the trim line: one pixel off it is paper again.
            assert px(cx + sx * (start + 8), cy + 2.2) > 200 or px(
                cx + sx * (start + 8), cy - 2.2) > 200


def test_masthead_panel_reaches_the_bleed_edge(sample_build):
    out, _ = sample_build
    scale = 100 / 72
    img, (x0, y0, x1, y1), page_h = _render(out / "pages" / "01.pdf", scale)

    def px(x: float, y: float) -> int:
        return img.getpixel((int(x * scale), int((page_h - y) * scale)))

    bleed = 3 * MM
    y = y1 - 6 * MM  # inside the panel, beside the nameplate
    assert px(x0 - bleed + 1, y) < 245  # tinted right up to the bleed edge
    assert px(x1 + bleed - 1, y) < 245
    assert px(x0 - bleed - 2, y) > 250  # and not beyond it
    assert px(x1 + bleed + 2, y) > 250
    assert px((x0 + x1) / 2, y1 + bleed - 1) < 245  # the top edge too


def test_screen_variant_is_trimmed_rgb_and_small(sample_build):
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "screen" / "pages" / "01.pdf")
    try:
        media, trim = pdf[0].get_mediabox(), pdf[0].get_trimbox()
    finally:
        pdf.close()
    assert media == pytest.approx(trim, abs=0.01)
    assert media[2] == pytest.approx(330 * MM, abs=0.01)
    with pikepdf.open(out / "screen" / "edition.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
        spaces = {str(im.get("/ColorSpace")) for page in pdf.pages
                  for im in page.get_images().values()}
        assert spaces <= {"/DeviceRGB", "/DeviceGray"}
    print_size = (out / "edition.pdf").stat().st_size
    screen_size = (out / "screen" / "edition.pdf").stat().st_size
    assert screen_size <= print_size / 4  # issue 5: at most a quarter


def test_screen_text_layer_matches_print(sample_build, sample_report):
    """On every page the screen file's text is the print file's word for word, less
    exactly the slug line outside the bleed (which names the plate for the press)."""
    from epaper.content.edition import load_edition
    from epaper.layout.edition import paper_of
    from epaper.templates.loader import load_template_set

    out, _ = sample_build
    edition = load_edition(ROOT / "samples")
    paper = paper_of(edition, load_template_set(ROOT / "layouts" / "broadsheet.yaml"))
    pages = sample_report["pages"]
    words = {}
    for variant, path in (("print", out / "edition.pdf"), ("screen", out / "screen" /
                                                              "edition.pdf")):
        pdf = pdfium.PdfDocument(path)
        try:
            assert len(pdf) == len(pages)
            words[variant] = []
            for page in pdf:
                tp = page.get_textpage()
                words[variant].append(tp.get_text_range().split())
                tp.close()
        finally:
            pdf.close()
    for page, printed, screen in zip(pages, words["print"], words["screen"], strict=True):
        slug = (f"{paper.name_en} {edition.date.isoformat()} page {page['number']}/"
                f"{len(pages)} {page['section']} {page['template']} print epaper").split()
        starts = [k for k in range(len(printed)) if printed[k:k + len(slug)] == slug]
        assert len(starts) == 1, (page["number"], printed[-12:])
        k = starts[0]
        assert printed[:k] + printed[k + len(slug):] == screen, page["number"]
        assert len(screen) > 50, page["number"]


def test_print_build_that_fails_preflight_writes_nothing(make_edition, tmp_path):
    """The template promises the press 10 pt text at least; the body is 9 pt."""
    from epaper.errors import EpaperError

    layout = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")
    layout = layout.replace("fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/newsprint-tr002.icc", f"profile: {PROFILE}").replace(
        "min_text_size: 5", "min_text_size: 10")
    (make_edition / "strict-press.yaml").write_text(layout, encoding="utf-8")
    ed = make_edition / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8").replace("layout: broadsheet",
                                                         "layout: strict-press.yaml"),
                  encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(EpaperError) as info:
        build_edition(make_edition, out)
    assert "preflight" in str(info.value) and "smaller than the 10pt minimum" in str(info.value)
    assert not out.exists() or not any(out.iterdir())
    assert not leftovers(tmp_path)
    # The screen variant alone has no press to answer to.
    build_edition(make_edition, out, variants=("screen",))
    assert (out / "screen" / "edition.pdf").is_file()


def test_mono_page_prints_on_the_black_plate_only(sample_build):
    """Page 5 is black-only in the sample's press plan; its e-paper page keeps colour."""
    import re

    out, _ = sample_build
    with pikepdf.open(out / "pages" / "05.pdf") as pdf:
        page = pdf.pages[0]
        content = b"".join(c.read_bytes() for c in (
            [page.obj.Contents] if isinstance(page.obj.Contents, pikepdf.Stream)
            else page.obj.Contents))
        colours = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) [kK]\b", content)
        assert colours
        assert all(float(c) == float(m) == float(y) == 0 for c, m, y, _ in colours)
        spaces = {str(im.get("/ColorSpace")) for im in page.get_images().values()}
        assert spaces == {"/DeviceGray"}
    report = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    if shutil.which("gs"):
        assert report["pages"][4]["max_ink_percent"] <= 100.5
    with pikepdf.open(out / "screen" / "pages" / "05.pdf") as pdf:
        spaces = {str(im.get("/ColorSpace")) for im in pdf.pages[0].get_images().values()}
        assert "/DeviceRGB" in spaces
    # Page 4 is a colour page: its photos stay CMYK.
    with pikepdf.open(out / "pages" / "04.pdf") as pdf:
        spaces = {str(im.get("/ColorSpace")) for im in pdf.pages[0].get_images().values()}
        assert "/DeviceCMYK" in spaces


# -- ink computed from the drawing, against Ghostscript's measurement ---------------------

@needs_gs
def test_computed_ink_matches_ghostscript_on_the_sample(sample_build):
    """A build's preflight takes each page's ink from its prepared photos and its vector
    colours; Ghostscript rasterising the file must find the same, page by page (it reads
    at 150 dpi and through JPEG decoding: a few percent apart at most, and never more ink
    than was computed)."""
    out, _ = sample_build
    drawn = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    assert drawn["mode"] == "drawn" and drawn["ink_measured"]
    full = preflight_file(out / "edition.pdf")
    assert full.ink_measured
    for mine, theirs in zip(drawn["pages"], full.pages, strict=True):
        assert theirs.max_ink is not None
        assert theirs.max_ink <= mine["max_ink_percent"] + 1.0, (mine["number"], mine, theirs)
        assert mine["max_ink_percent"] - theirs.max_ink <= 6.0, (mine["number"], theirs.max_ink)


def test_fast_and_full_preflight_agree_on_the_sample(sample_build):
    out, _ = sample_build
    drawn = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    full = preflight_file(out / "edition.pdf", ink=False)
    assert [str(f) for f in full.errors] == [] and drawn["errors"] == []
    for mine, theirs in zip(drawn["pages"], full.pages, strict=True):
        assert mine["boxes"]["trim"] == pytest.approx(theirs.boxes["trim"], abs=0.01)
        assert mine["boxes"]["bleed"] == pytest.approx(theirs.boxes["bleed"], abs=0.01)
        assert mine["min_text_pt"] == pytest.approx(theirs.min_text, abs=0.05)
        assert mine["thinnest_stroke_pt"] == pytest.approx(theirs.thinnest_stroke, abs=0.01)
        assert sorted(i["ppi"] for i in mine["images"]) == pytest.approx(
            sorted(i["ppi"] for i in theirs.images), abs=1.0)
        assert {s.lstrip("/") for s in mine["color_spaces"]} == {
            s.lstrip("/") for s in theirs.color_spaces}


def test_a_build_with_a_tint_under_black_text_counts_the_overprint(make_edition, tmp_path):
    """Solid black text overprints a slot's tint: where they meet, the ink is the tint's
    C, M and Y plus 100 % K. The computed ink must include it."""
    layout = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")
    layout = layout.replace("fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/newsprint-tr002.icc", f"profile: {PROFILE}").replace(
        "        rules: [right, bottom]\n        headline: {size: [26, 36], lines: 2}",
        "        rules: [right, bottom]\n        fill: [40, 30, 0, 10]\n"
        "        headline: {size: [26, 36], lines: 2}", 1)
    (make_edition / "tinted.yaml").write_text(layout, encoding="utf-8")
    first = make_edition / "stories" / "first.md"  # no photo: the tint is the page's most
    text = first.read_text(encoding="utf-8")
    text = text[:text.index("photos:")] + text[text.index("---", 4):]
    first.write_text(text.replace('kicker: "উপকূল"\n', ""), encoding="utf-8")  # 180 % red
    ed = make_edition / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8").replace("layout: broadsheet",
                                                         "layout: tinted.yaml"),
                  encoding="utf-8")
    out = tmp_path / "out"
    build_edition(make_edition, out)
    drawn = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    assert drawn["pages"][0]["max_ink_percent"] == pytest.approx(40 + 30 + 100, abs=0.5)
    if shutil.which("gs"):
        full = preflight_file(out / "edition.pdf")
        assert full.pages[0].max_ink == pytest.approx(170, abs=2)
