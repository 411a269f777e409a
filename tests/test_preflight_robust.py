"""Preflight on malformed PDFs: each fault becomes a `structure` finding (or, for a page
too big to rasterise, an ink warning), the other checks still run, and the command never
prints a traceback."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT
from pdfx_helpers import finish_print

from epaper.preflight import preflight_file

PROFILE = ROOT / "profiles" / "newsprint-tr002.icc"
needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")

# A cyan box drawn in a form XObject /Fm0 at 2x: sane on its own.
GOOD = b"q 0.4 0 0 0 k 20 20 100 100 re f Q q 2 0 0 2 0 0 cm /Fm0 Do Q\n"


def malformed_pdf(path: Path, content: bytes, *, form: bytes = b"0 0 0 1 k 1 1 2 2 re f",
                  size: float = 300, self_drawing: bool = False, finish: bool = True
                  ) -> Path:
    """A one-page print file whose page draws `content`, with one form XObject /Fm0 that
    draws `form` (and itself, with `self_drawing`); TrimBox, BleedBox and the PDF/X keys
    are in place, so only the fault a test adds is wrong."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(size, size))
    page = pdf.pages[0]
    fm = pdf.make_stream(form + (b" /Fm0 Do" if self_drawing else b""))
    fm.Type, fm.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    fm.BBox = [0, 0, size, size]
    fm.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=fm)) if self_drawing \
        else pikepdf.Dictionary()
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=fm))
    page.obj.Contents = pdf.make_stream(content)
    page.obj.TrimBox = [10, 10, size - 10, size - 10]
    page.obj.BleedBox = [5, 5, size - 5, size - 5]
    buf = io.BytesIO()
    pdf.save(buf)
    data = buf.getvalue()
    if finish:
        data = finish_print(data, profile=PROFILE, profile_name="newsprint",
                            day=dt.date(2026, 12, 7))
    path.write_bytes(data)
    return path


def structure(pf) -> list[str]:
    return [str(f) for f in pf.errors if f.check == "structure"]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_generator_makes_a_clean_file(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "ok.pdf", GOOD), ink=False)
    assert pf.errors == [], pf.summary()


# content stream, the one structure finding it must give
CASES = {
    "cm-5-operands": (b"1 0 0 1 0 cm " + GOOD,
                      "page 1: structure: operator cm takes 6 numbers, found 5"),
    "Tf-without-font": (b"BT 12 Tf ET " + GOOD,
                        "page 1: structure: operator Tf takes a name and a number, found 1"),
    "w-string": (b"(x) w " + GOOD,
                 "page 1: structure: operator w takes 1 number, found string"),
    "k-names": (b"/a /b /c /d k " + GOOD,
                "page 1: structure: operator k takes 4 numbers, found name, name, name, name"),
    "Do-number": (b"5 Do " + GOOD, "page 1: structure: operator Do takes 1 name, found number"),
    "Tm-7-operands": (b"BT 1 0 0 1 0 0 0 Tm ET " + GOOD,
                      "page 1: structure: operator Tm takes 6 numbers, found 7"),
    "gs-array": (b"[1] gs " + GOOD, "page 1: structure: operator gs takes 1 name, found array"),
}


@pytest.mark.parametrize("case", CASES)
def test_wrong_operands_are_one_structure_error(tmp_path, case):
    content, message = CASES[case]
    pf = preflight_file(malformed_pdf(tmp_path / f"{case}.pdf", content), ink=False)
    (found,) = structure(pf)
    assert found.startswith(message), found
    assert {f.check for f in pf.errors} == {"structure"}, pf.summary()
    assert pf.pages[0].boxes["trim"] == [10, 10, 290, 290]  # the other checks ran


def test_many_malformed_operators_give_one_finding(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", b"1 cm 2 cm (x) w BT 12 Tf ET "
                                      + GOOD), ink=False)
    (found,) = structure(pf)
    assert "operator cm takes 6 numbers, found 1 (4 malformed operators" in found


def test_malformed_operator_inside_a_form(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", GOOD, form=b"1 2 cm"), ink=False)
    (found,) = structure(pf)
    assert "operator cm takes 6 numbers, found 2" in found


def test_checks_after_a_malformed_operator_still_run(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", b"1 0 0 1 cm 1 0 0 rg "
                                      b"0 0 10 10 re f " + GOOD), ink=False)
    assert {f.check for f in pf.errors} == {"structure", "colour"}


def test_form_that_draws_itself(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", GOOD, self_drawing=True), ink=False)
    (found,) = structure(pf)
    assert found == ("page 1: structure: form Fm0 draws itself (directly or through other "
                     "forms); it was not followed")


def test_garbage_operators_are_not_read(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", b"\x00\x01\xff garbage " + GOOD),
                        ink=False)
    assert pf.errors == [], pf.summary()


def test_undecodable_content_stream(tmp_path):
    path = malformed_pdf(tmp_path / "f.pdf", GOOD)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        stream = pdf.make_stream(b"not zlib at all")
        stream.Filter = pikepdf.Name.FlateDecode
        pdf.pages[0].obj.Contents = stream
        pdf.save(path)
    pf = preflight_file(path, ink=False)
    (found,) = structure(pf)
    assert found.startswith("page 1: structure: a content stream cannot be read ("), found


def test_malformed_box_is_a_structure_error(tmp_path):
    path = malformed_pdf(tmp_path / "f.pdf", GOOD)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.TrimBox = [10, 10, 290]
        pdf.save(path)
    pf = preflight_file(path, ink=False)
    (found,) = structure(pf)
    assert found.startswith("page 1: structure: page 1 is malformed and was only partly "
                            "checked (ValueError"), found


def test_inline_image_is_reported(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "f.pdf", GOOD + b"q 10 0 0 10 50 50 cm "
                                      b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q"), ink=False)
    assert [str(f) for f in pf.warnings] == [
        "page 1: images: inline image (not checked for resolution)"]


@needs_gs
def test_huge_page_is_measured_at_a_lower_resolution(tmp_path):
    pf = preflight_file(malformed_pdf(tmp_path / "big.pdf", GOOD, size=14400))
    assert pf.errors == [], pf.summary()
    (warning,) = [str(f) for f in pf.warnings if f.check == "ink"]
    assert warning.startswith("page 1: ink: the page is 5080 x 5080 mm: ink measured at 25 "
                              "dpi instead of 150"), warning
    assert pf.pages[0].max_ink == pytest.approx(100, abs=1)  # the black form: K 100 %


# -- through the command ---------------------------------------------------------------

def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("preflight: FAILED (1 errors, 0 warnings)"), \
        proc.stdout


@needs_gs
@pytest.mark.parametrize("case", ["cm-5-operands", "Tf-without-font", "w-string"])
def test_cli_reports_malformed_operators(tmp_path, case):
    content, message = CASES[case]
    path = malformed_pdf(tmp_path / f"{case}.pdf", content)
    proc = run_cli("preflight", path)
    assert_clean_failure(proc)
    assert f"ERROR {message}" in proc.stdout
    assert str(path) in proc.stdout
    assert "max ink" in proc.stdout  # the ink check still ran


@needs_gs
def test_cli_form_that_draws_itself(tmp_path):
    proc = run_cli("preflight", malformed_pdf(tmp_path / "f.pdf", GOOD, self_drawing=True))
    assert_clean_failure(proc)
    assert "form Fm0 draws itself" in proc.stdout


def test_graphics_states_nested_too_deep_are_refused_without_rendering(tmp_path):
    """100,000 nested q in a 1 KB file kept Ghostscript busy for a minute."""
    path = malformed_pdf(tmp_path / "deep.pdf", b"q " * 100_000 + b"Q " * 100_000 + GOOD)
    pf = preflight_file(path)
    (found,) = structure(pf)
    assert "more than 28 levels deep" in found
    assert any("ink coverage not measured" in str(w) for w in pf.warnings)
