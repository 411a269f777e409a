"""`epaper init DIR`: a small new edition that checks clean and builds."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pypdfium2 as pdfium
from conftest import ROOT, diagnostics
from PIL import Image

from epaper.build import build_edition, check_edition
from epaper.scaffold import init


def test_the_new_edition_checks_clean_and_builds(tmp_path):
    folder = tmp_path / "today"
    written = init(folder, dt.date(2026, 12, 8))
    names = sorted(p.relative_to(folder).as_posix() for p in written)
    assert "edition.yaml" in names and "photos/cycle-lane.jpg" in names
    assert len([n for n in names if n.startswith("stories/")]) == 6
    assert check_edition(folder) == []  # no warning: every story fills its slot
    result = build_edition(folder, tmp_path / "out", variants=("screen",))
    s = result.report["summary"]
    assert (s["pages"], s["stories"], s["overset_stories"]) == (2, 6, [])
    assert s["words_placed"] == s["words"]
    langs = {v["lang"] for v in result.report["stories"].values()}
    assert langs == {"bn", "en"}
    pdf = pdfium.PdfDocument(tmp_path / "out" / "screen" / "edition.pdf")
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "নগরে চালু হলো প্রথম সাইকেল লেন" in text
    assert "• ধানমন্ডি থেকে নীলক্ষেত" in text
    assert "২০২৬" in text  # the masthead is dated the day given
    pdf.close()
    with Image.open(folder / "photos" / "cycle-lane.jpg") as im:
        assert im.size == (2400, 1600)


def test_init_writes_the_schemas_edition_yaml_names(tmp_path):
    init(tmp_path / "e")
    first = (tmp_path / "e" / "edition.yaml").read_text(encoding="utf-8").split("\n")[0]
    assert first == "# yaml-language-server: $schema=schemas/edition.schema.json"
    assert (tmp_path / "e" / "schemas" / "edition.schema.json").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("the desk's", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "epaper", "init", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    (error,) = diagnostics(proc.stderr)
    assert "is not empty" in error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
