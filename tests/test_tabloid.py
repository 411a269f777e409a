"""The tabloid template set builds a real edition too: geometry, text and preflight."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest
from conftest import SAMPLES

from epaper.build import build_edition

TOL = 0.5
SOLID = {"headline", "kicker", "subheadline", "byline", "photo", "caption", "credit", "body",
         "jumpline", "jumphead", "jumpfrom", "ad", "masthead", "folio", "imprint", "dateline"}

EDITION = textwrap.dedent("""\
    date: 2026-12-07
    layout: tabloid
    lang: bn
    pages:
      - template: front
        stories:
          - {file: stories/satellite-launch.md, slot: lead, continue: {page: 2}}
          - stories/rail-eticket.md
          - stories/weather.md
      - template: inside
        section: "দেশ"
        stories:
          - stories/highway-repair.md
          - stories/exam-results.md
          - stories/fuel-price.md
      - template: back
        section: "শেষ পাতা"
        stories:
          - stories/book-fair.md
          - stories/chess-champion.md
          - stories/sprinter.md
    """)


@pytest.fixture(scope="module")
def tabloid(tmp_path_factory):
    root = tmp_path_factory.mktemp("tabloid") / "edition"
    shutil.copytree(SAMPLES, root)
    (root / "edition.yaml").write_text(EDITION, encoding="utf-8")
    out = root.parent / "out"
    result = build_edition(root, out)
    return out, result, json.loads((out / "layout.json").read_text(encoding="utf-8"))


def overlap(a, b):  # type: ignore[no-untyped-def]
    return a[0] < b[2] - TOL and b[0] < a[2] - TOL and a[1] < b[3] - TOL and b[1] < a[3] - TOL


def test_tabloid_pages_are_265_by_380(tabloid):
    _, _, layout = tabloid
    for page in layout["pages"]:
        assert page["width"] == pytest.approx(265 * 72 / 25.4, abs=0.01)
        assert page["height"] == pytest.approx(380 * 72 / 25.4, abs=0.01)


def test_tabloid_elements_do_not_overlap_and_stay_on_the_page(tabloid):
    _, _, layout = tabloid
    for page in layout["pages"]:
        solid = [e for e in page["elements"] if e["role"] in SOLID]
        for i, a in enumerate(solid):
            assert 0 <= a["box"][0] and a["box"][2] <= page["width"] + TOL
            for b in solid[i + 1:]:
                assert not overlap(a["box"], b["box"]), (page["number"], a["role"], b["role"])


def test_tabloid_jump_and_preflight(tabloid):
    out, result, layout = tabloid
    info = result.report["stories"]["satellite-launch"]
    assert info["continued_to"] == 2 and info["pages"] == [1, 2]
    # The tabloid's jumps slot is small: what does not fit there is reported, not lost.
    if info["overset_words"]:
        assert any("satellite-launch: OVERSET" in w for w in result.warnings)
    pf = json.loads((out / "preflight.json").read_text(encoding="utf-8"))
    assert pf["ok"], pf["errors"]
    stories = result.report["stories"].values()
    placed = sum(v["words_placed"] + len(v["overset_words"]) for v in stories)
    assert placed == sum(v["words"] for v in result.report["stories"].values())
