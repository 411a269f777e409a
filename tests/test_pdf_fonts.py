"""Output PDFs: every font embedded (no base-14 fallbacks), one page per page file, stable bytes."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import leftovers

from epaper.build import build_edition

BASE14 = ("Helvetica", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
          "Courier", "Symbol", "ZapfDingbats")

OBJ = re.compile(rb"(?s)(\d+) 0 obj\s*(.*?)endobj")


def pdf_objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in OBJ.finditer(data)}


def dictionary(obj: bytes) -> bytes:
    """The object's dictionary, without any stream data."""
    return obj.split(b"stream", 1)[0]


def ref(obj: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", dictionary(obj))
    return int(m.group(1)) if m else None


def output_pdfs(out: Path) -> list[Path]:
    return [out / "edition.pdf", *sorted((out / "pages").glob("*.pdf"))]


def check_fonts_embedded(path: Path) -> int:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    # Object dictionaries are written uncompressed: no object streams to hide fonts in.
    assert b"/ObjStm" not in data, path
    objects = pdf_objects(data)
    fonts = {n: o for n, o in objects.items() if re.search(rb"/Type\s*/Font\b", dictionary(o))}
    descriptors = {n: o for n, o in objects.items()
                   if re.search(rb"/Type\s*/FontDescriptor\b", dictionary(o))}
    assert fonts, f"{path.name}: no fonts at all"
    assert descriptors, f"{path.name}: no font descriptors"
    for n, obj in descriptors.items():
        target = ref(obj, b"FontFile2")
        assert target is not None, f"{path.name}: descriptor {n} has no /FontFile2"
        stream = objects[target]
        assert b"stream" in stream, f"{path.name}: /FontFile2 of {n} is not a stream"
        length = re.search(rb"/Length\s+(\d+)", dictionary(stream))
        assert length and int(length.group(1)) > 1000, f"{path.name}: empty font file {n}"
        # a subset is named ABCDEF+Family
        assert re.search(rb"/FontName\s*/[A-Z]{6}\+", dictionary(obj)), path.name
    for n, obj in fonts.items():
        d = dictionary(obj)
        subtype = re.search(rb"/Subtype\s*/(\w+)", d)
        assert subtype and subtype.group(1) in (b"Type0", b"CIDFontType2"), (path.name, n)
        if subtype.group(1) == b"CIDFontType2":
            assert ref(obj, b"FontDescriptor") in descriptors, (path.name, n)
        else:
            assert b"/DescendantFonts" in d, (path.name, n)
    for name in BASE14:
        assert b"/" + name.encode() not in data, f"{path.name}: base-14 font {name}"
    return len(descriptors)


def test_all_fonts_embedded_in_every_output_pdf(sample_build):
    out, _ = sample_build
    pdfs = output_pdfs(out)
    assert len(pdfs) == 9
    for path in pdfs:
        check_fonts_embedded(path)


def test_edition_uses_bengali_and_latin_fonts(sample_build):
    out, _ = sample_build
    data = (out / "edition.pdf").read_bytes()
    names = set(re.findall(rb"/FontName\s*/[A-Z]{6}\+([\w-]+)", data))
    assert b"NotoSerifBengali-Regular" in names
    assert b"NotoSerifBengali-Bold" in names
    assert b"NotoSerif-Regular" in names  # English stories


def test_fonts_embedded_once_per_document(sample_build):
    out, _ = sample_build
    data = (out / "edition.pdf").read_bytes()
    names = re.findall(rb"/FontName\s*/([A-Z]{6}\+[\w-]+)", data)
    assert len(names) == len(set(names))


def test_pdfium_sees_embedded_fonts(sample_build):
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "pages" / "01.pdf")
    try:
        import pypdfium2.raw as raw

        page = pdf[0]
        seen = 0
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,)):
            font = raw.FPDFTextObj_GetFont(obj.raw)
            assert raw.FPDFFont_GetIsEmbedded(font) == 1
            seen += 1
        assert seen > 100
    finally:
        pdf.close()


def test_edition_has_eight_pages(sample_build):
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    try:
        assert len(pdf) == 8
    finally:
        pdf.close()


def test_one_file_per_page_with_one_page_each(sample_build, sample_layout):
    out, _ = sample_build
    names = sorted(p.name for p in (out / "pages").iterdir())
    assert names == [f"{n:02d}.pdf" for n in range(1, 9)]
    edition = pdfium.PdfDocument(out / "edition.pdf")
    try:
        for n, name in enumerate(names, 1):
            single = pdfium.PdfDocument(out / "pages" / name)
            try:
                assert len(single) == 1
                assert single[0].get_size() == pytest.approx(edition[n - 1].get_size(), abs=0.01)
            finally:
                single.close()
    finally:
        edition.close()


def test_page_size_is_broadsheet_trim(sample_build, sample_layout):
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    try:
        for page, spec in zip(pdf, sample_layout["pages"], strict=True):
            x0, y0, x1, y1 = page.get_trimbox()
            w, h = x1 - x0, y1 - y0
            assert (w, h) == pytest.approx((spec["width"], spec["height"]), abs=0.01)
            assert w == pytest.approx(330 / 25.4 * 72, abs=0.01)
            assert h == pytest.approx(530 / 25.4 * 72, abs=0.01)
    finally:
        pdf.close()


def test_outputs_listed_in_result(sample_build):
    out, result = sample_build
    assert result.out_dir == out
    names = sorted(p.relative_to(out).as_posix() for p in result.files)
    assert [n for n in names if not n.startswith("web/")] == sorted(
        ["edition.pdf", "layout.json", "report.json", "preflight.json",
         "screen/edition.pdf"]
        + [f"pages/{n:02d}.pdf" for n in range(1, 9)]
        + [f"screen/pages/{n:02d}.pdf" for n in range(1, 9)])
    # The sample is built with its e-paper: every file of web/ is listed, and only those.
    assert [n for n in names if n.startswith("web/")] == sorted(
        p.relative_to(out).as_posix() for p in (out / "web").rglob("*") if p.is_file())
    assert all(p.is_file() for p in result.files)


def test_output_files_are_readable_by_the_desk(sample_build):
    out, _ = sample_build
    for path in [*output_pdfs(out), out / "layout.json", out / "report.json"]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o044 == 0o044, f"{path.name} has mode {oct(mode)}"


def test_no_stray_files_in_output(sample_build):
    out, _ = sample_build
    assert sorted(p.name for p in out.iterdir()) == ["edition.pdf", "layout.json", "pages",
                                                    "preflight.json", "report.json",
                                                    "screen", "web"]
    assert not leftovers(out.parent)


# -- the mini edition ---------------------------------------------------------------------

def test_mini_edition_fonts_embedded(make_edition, tmp_path):
    out = tmp_path / "out"
    build_edition(make_edition, out)
    for path in output_pdfs(out):
        check_fonts_embedded(path)


def test_build_twice_gives_identical_bytes(make_edition, tmp_path):
    build_edition(make_edition, tmp_path / "a")
    build_edition(make_edition, tmp_path / "b")
    for name in ("edition.pdf", "pages/01.pdf", "layout.json", "report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_rebuild_into_same_folder_gives_identical_bytes(make_edition, tmp_path):
    out = tmp_path / "out"
    build_edition(make_edition, out)
    first = (out / "edition.pdf").read_bytes()
    build_edition(make_edition, out)
    assert (out / "edition.pdf").read_bytes() == first


def test_fonts_carry_a_tounicode_map_for_readers_without_actualtext(sample_build):
    """pdfminer and PDFBox ignore ActualText; the ToUnicode map gives them the
    characters of every glyph the font maps directly (English reads back whole)."""
    import re

    import pikepdf

    out, _ = sample_build
    with pikepdf.open(out / "screen" / "pages" / "05.pdf") as pdf:
        fonts = pdf.pages[0].obj.Resources.Font
        latin = [f for f in fonts.values() if "NotoSerif-Regular" in str(f.BaseFont)]
        assert latin
        cmap = latin[0].ToUnicode.read_bytes().decode("ascii")
        pairs = dict(re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap))
        chars = {bytes.fromhex(v).decode("utf-16-be") for v in pairs.values()}
        assert set("Bangladesh") <= chars
    with pikepdf.open(out / "screen" / "pages" / "02.pdf") as pdf:
        fonts = pdf.pages[0].obj.Resources.Font
        bengali = [f for f in fonts.values() if "NotoSerifBengali-Regular" in str(f.BaseFont)]
        cmap = bengali[0].ToUnicode.read_bytes().decode("ascii")
        chars = {bytes.fromhex(v).decode("utf-16-be")
                 for v in re.findall(r"<[0-9A-F]{4}> <([0-9A-F]+)>", cmap)}
        assert {"ক", "া", "ি"} <= chars
