"""layout.json geometry (PDF points, origin bottom-left) and report.json of the sample build."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLES

SOLID = {"headline", "kicker", "subheadline", "byline", "photo", "caption", "credit", "body",
         "jumpline", "jumphead", "jumpfrom", "ad", "masthead", "folio", "imprint", "dateline",
         "title"}
TOL = 0.5
GRID = 13.0  # broadsheet baseline grid, pt
MM = 72 / 25.4
BLEED = 3 * MM


def overlap(a: list[float], b: list[float], tol: float = TOL) -> bool:
    return (a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol)


def sample_story_ids() -> list[str]:
    data = yaml.safe_load((SAMPLES / "edition.yaml").read_text(encoding="utf-8"))
    ids = []
    for page in data["pages"]:
        for item in page.get("stories") or []:
            file = item if isinstance(item, str) else item["file"]
            ids.append(file.rsplit("/", 1)[-1].removesuffix(".md"))
    return ids


# -- the overlap helper itself ------------------------------------------------------------

def test_overlap_helper():
    assert overlap([0, 0, 10, 10], [5, 5, 15, 15])
    assert not overlap([0, 0, 10, 10], [10, 0, 20, 10])  # touching edges
    assert not overlap([0, 0, 10, 10], [0, 10.4, 10, 20])
    assert not overlap([0, 0, 10, 10], [9.6, 0, 20, 10])  # within tolerance
    assert overlap([0, 0, 10, 10], [9, 0, 20, 10])


# -- layout.json ------------------------------------------------------------------------

def test_layout_json_header(sample_layout):
    assert sample_layout["edition"] == "2026-12-07"
    assert sample_layout["units"] == "pt"
    assert [p["number"] for p in sample_layout["pages"]] == list(range(1, 9))


def test_pages_are_broadsheet_size(sample_layout):
    for page in sample_layout["pages"]:
        assert page["width"] == pytest.approx(330 * MM, abs=0.01)
        assert page["height"] == pytest.approx(530 * MM, abs=0.01)


def test_no_solid_elements_overlap(sample_layout):
    for page in sample_layout["pages"]:
        solid = [e for e in page["elements"] if e["role"] in SOLID]
        assert len(solid) > 10
        for a, b in itertools.combinations(solid, 2):
            assert not overlap(a["box"], b["box"]), (
                f"page {page['number']}: {a['role']} {a['story']} {a['box']} overlaps "
                f"{b['role']} {b['story']} {b['box']}")


def test_every_element_lies_within_the_page(sample_layout):
    for page in sample_layout["pages"]:
        w, h = page["width"], page["height"]
        for e in page["elements"]:
            x0, y0, x1, y1 = e["box"]
            # Only fills the template marks as bleeding run past the trim, to the bleed.
            out = BLEED if e["role"] == "fill" else 0.0
            assert x0 <= x1 and y0 <= y1, (page["number"], e["role"], e["box"])
            assert -out - TOL <= x0 and x1 <= w + out + TOL, (page["number"], e["role"])
            assert -out - TOL <= y0 and y1 <= h + out + TOL, (page["number"], e["role"])


def test_masthead_panel_bleeds_on_three_sides(sample_layout):
    page = sample_layout["pages"][0]
    (panel,) = [e for e in page["elements"] if e["role"] == "fill"]
    (masthead,) = [e for e in page["elements"] if e["role"] == "masthead"]
    x0, y0, x1, y1 = panel["box"]
    assert (x0, x1, y1) == pytest.approx((-BLEED, page["width"] + BLEED,
                                          page["height"] + BLEED), abs=0.01)
    # Down to the foot of the masthead slot (10 grid lines below the 12 mm margin), no further.
    assert y0 == pytest.approx(page["height"] - 12 * MM - 10 * GRID, abs=0.01)
    assert y0 <= masthead["box"][1]


def test_every_element_lies_within_the_margins(sample_layout):
    left, right, top, bottom = 11 * MM, 11 * MM, 12 * MM, 13.5 * MM
    for page in sample_layout["pages"]:
        w, h = page["width"], page["height"]
        for e in page["elements"]:
            if e["role"] == "fill":
                continue
            x0, y0, x1, y1 = e["box"]
            assert x0 >= left - TOL and x1 <= w - right + TOL, (page["number"], e["role"])
            assert y0 >= bottom - TOL and y1 <= h - top + TOL, (page["number"], e["role"])


def test_lines_lie_within_their_element(sample_layout):
    for page in sample_layout["pages"]:
        for e in page["elements"]:
            x0, y0, x1, y1 = e["box"]
            for ln in e.get("lines", []):
                assert y0 - TOL <= ln["baseline"] <= y1 + TOL, (page["number"], e["role"])
                assert x0 - TOL <= ln["x0"] and ln["x0"] + ln["width"] <= x1 + TOL, (
                    page["number"], e["role"], ln["text"])


def test_body_baselines_on_the_grid(sample_layout):
    for page in sample_layout["pages"]:
        baselines = [ln["baseline"] for e in page["elements"] if e["role"] == "body"
                     for ln in e["lines"]]
        assert baselines, page["number"]
        ref = baselines[0]
        for b in baselines:
            steps = (ref - b) / GRID
            assert abs(steps - round(steps)) * GRID <= 0.01, (page["number"], b, ref)


def test_body_lines_one_grid_step_apart_in_a_column(sample_layout):
    for page in sample_layout["pages"]:
        for e in page["elements"]:
            if e["role"] != "body":
                continue
            baselines = [ln["baseline"] for ln in e["lines"]]
            for upper, lower in itertools.pairwise(baselines):
                steps = (upper - lower) / GRID
                assert steps >= 1 - 1e-6, (page["number"], e["story"], upper, lower)
                assert abs(steps - round(steps)) * GRID <= 0.01


def test_body_columns_share_the_grid_across_pages(sample_layout):
    # Every page uses the same grid: baselines differ by whole lines between pages too.
    refs = [next(ln["baseline"] for e in p["elements"] if e["role"] == "body"
                 for ln in e["lines"]) for p in sample_layout["pages"]]
    for r in refs:
        steps = (refs[0] - r) / GRID
        assert abs(steps - round(steps)) * GRID <= 0.01


def test_photos_have_images_and_keep_to_their_box(sample_layout):
    photos = [e for p in sample_layout["pages"] for e in p["elements"] if e["role"] == "photo"]
    assert photos
    for e in photos:
        img = e["image"]
        assert img["file"].startswith("photos/")
        left, top, right, bottom = img["crop"]
        assert right > left and bottom > top
        x0, y0, x1, y1 = e["box"]
        crop_aspect = (right - left) / (bottom - top)
        box_aspect = (x1 - x0) / (y1 - y0)
        assert crop_aspect == pytest.approx(box_aspect, rel=0.02), img["file"]
        assert img["ppi"] > 0


def test_caption_follows_its_photo(sample_layout):
    for page in sample_layout["pages"]:
        by_story: dict[str, dict[str, list]] = {}
        for e in page["elements"]:
            if e["story"]:
                by_story.setdefault(e["story"], {}).setdefault(e["role"], []).append(e["box"])
        for story, roles in by_story.items():
            for photo, caption in zip(roles.get("photo", []), roles.get("caption", []),
                                      strict=False):
                assert caption[3] <= photo[1] + TOL, (page["number"], story)  # below it
                assert caption[0] >= photo[0] - TOL and caption[2] <= photo[2] + TOL


def test_headline_above_body(sample_layout):
    for page in sample_layout["pages"]:
        heads = {e["story"]: e["box"] for e in page["elements"] if e["role"] == "headline"}
        for e in page["elements"]:
            if e["role"] == "body" and e["story"] in heads:
                assert e["box"][3] <= heads[e["story"]][1] + TOL, (page["number"], e["story"])


# -- report.json -------------------------------------------------------------------------

def test_every_sample_story_is_in_the_report(sample_report):
    ids = sample_story_ids()
    assert len(ids) == len(set(ids))
    assert sorted(sample_report["stories"]) == sorted(ids)
    assert sample_report["summary"]["stories"] == len(ids)
    assert sample_report["summary"]["pages"] == 8


def test_report_story_files(sample_report):
    for sid, info in sample_report["stories"].items():
        assert info["file"] == f"stories/{sid}.md"
        assert (SAMPLES / info["file"]).is_file()


def test_sample_has_no_overset_story(sample_report):
    """The sample shows what the engine does well (issue 12): nothing is overset in it;
    an overset story is tested on a small edition (test_overset_story_is_reported)."""
    assert sample_report["summary"]["overset_stories"] == []
    assert not any(w["code"] == "W-overset" for w in sample_report["warnings"])


def lengthen(edition, story: str = "second", times: int = 40):  # type: ignore[no-untyped-def]
    """Make a mini-edition story far too long for its slot."""
    path = edition / "stories" / f"{story}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "\n\n".join(
        f"Paragraph {k}: the Met office said showers would spread from the south-west "
        "during the day and ease by the evening." for k in range(times)) + "\n",
        encoding="utf-8")


def test_overset_story_is_reported(make_edition, tmp_path):
    from epaper.build import build_edition

    lengthen(make_edition)
    result = build_edition(make_edition, tmp_path / "out")
    info = result.report["stories"]["second"]
    assert info["overset_words"] and info["overset_lines"] > 0
    assert info["underset_lines"] == 0
    assert result.report["summary"]["overset_stories"] == ["second"]
    assert any(w.startswith("second: OVERSET") for w in result.warnings)
    quality = result.report["pages"][0]["quality"]
    assert quality["overset_lines"] == info["overset_lines"]
    # The record points into the story file where the text stops fitting: the first
    # word left over is at its line and column.
    overset = [w for w in result.report["warnings"] if w["code"] == "W-overset"
               and w["story"] == "second"]
    assert len(overset) == 1
    warning = overset[0]
    assert Path(warning["file"]).name == "second.md"
    assert warning["page"] == info["pages"][-1]
    source = Path(warning["file"]).read_text(encoding="utf-8").split("\n")
    assert source[warning["line"] - 1][warning["col"] - 1:].startswith(info["overset_words"][0])


def test_satellite_launch_continues_on_page_2(sample_report):
    sat = sample_report["stories"]["satellite-launch"]
    assert sat["continued_to"] == 2
    assert sat["pages"] == [1, 2]


def test_overset_summary_matches_stories(sample_report):
    overset = [k for k, v in sample_report["stories"].items() if v["overset_words"]]
    assert sample_report["summary"]["overset_stories"] == overset
    assert sample_report["summary"]["words"] == sum(
        v["words"] for v in sample_report["stories"].values())
    assert sample_report["summary"]["words_placed"] == sum(
        v["words_placed"] for v in sample_report["stories"].values())
    assert sample_report["summary"]["warnings"] == len(sample_report["warnings"])


def test_stories_on_the_pages_the_edition_names(sample_report):
    data = yaml.safe_load((SAMPLES / "edition.yaml").read_text(encoding="utf-8"))
    for number, page in enumerate(data["pages"], 1):
        for item in page.get("stories") or []:
            file = item if isinstance(item, str) else item["file"]
            sid = file.rsplit("/", 1)[-1].removesuffix(".md")
            assert sample_report["stories"][sid]["pages"][0] == number, sid
            if isinstance(item, dict) and item.get("slot"):
                assert sample_report["stories"][sid]["slots"][0] == item["slot"], sid


def test_headline_sizes_within_slot_range(sample_report, sample_layout):
    from epaper.templates.loader import load_template_set

    tset = load_template_set((SAMPLES.parent / "layouts" / "broadsheet.yaml").resolve())
    pages = {p["number"]: p for p in sample_layout["pages"]}
    checked = 0
    for sid, info in sample_report["stories"].items():
        page, slot_name = info["pages"][0], info["slots"][0]
        slot = tset.page(pages[page]["template"]).slot(slot_name)
        if slot is None or slot.headline is None:
            continue
        fit = slot.headline
        assert fit.min_size - 1e-6 <= info["headline_size"] <= fit.max_size + 1e-6, (
            sid, info["headline_size"], fit)
        (head,) = [e for e in pages[page]["elements"]
                   if e["story"] == sid and e["role"] == "headline"]
        assert 1 <= len(head["lines"]) <= fit.max_lines, (sid, len(head["lines"]))
        checked += 1
    assert checked >= 20


def test_result_object_matches_report(sample_build, sample_report):
    _, result = sample_build
    assert result.report == sample_report
    assert set(result.overset) == set(sample_report["summary"]["overset_stories"])
    assert result.warnings == [w["message"] for w in sample_report["warnings"]]
    assert [d.to_json() for d in result.diagnostics] == sample_report["warnings"]


# -- a targeted mini edition: a word wider than its column --------------------------------

# No break opportunity inside it (UAX #14 keeps dotted names whole), no hyphenation point.
LONG_URL = ("www.bmd.gov.bd.reports.2026.seasonal.monsoonoutlook.longrangeforecast."
            "southasia.final.pdf")


def _build_with_word(edition, out, word):  # type: ignore[no-untyped-def]
    """Build the mini edition with `word` in story "second"; its body columns there."""
    import json

    from epaper.build import build_edition

    story = edition / "stories" / "second.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "Temperatures may", f"Details: {word} Temperatures may"), encoding="utf-8")
    result = build_edition(edition, out)
    layout = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    columns = [e for e in layout["pages"][0]["elements"]
               if e["role"] == "body" and e["story"] == "second"]
    return result, columns


def test_word_wider_than_column_is_broken_inside_the_column_with_a_warning(make_edition,
                                                                          tmp_path):
    import pypdfium2 as pdfium

    out = tmp_path / "out"
    result, columns = _build_with_word(make_edition, out, LONG_URL)
    lines = [ln for e in columns for ln in e["lines"]]
    # The URL is set in pieces on consecutive lines, and they join back into the URL.
    texts = [ln["text"] for ln in lines]
    first = next(k for k, t in enumerate(texts) if t.endswith(LONG_URL[:12]) or
                 LONG_URL[:12] in t)
    joined = texts[first].split(" ")[-1]
    k = first + 1
    while not joined.endswith(LONG_URL[-8:]):
        joined += texts[k].split(" ")[0]
        k += 1
    assert joined == LONG_URL
    assert k - first >= 2
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    try:
        tp = pdf[0].get_textpage()
        dx, dy = pdf[0].get_trimbox()[:2]
        for e in columns:
            x0, y0, x1, y1 = e["box"]
            x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
            # Every glyph of the column, URL pieces included, lies inside the column box.
            inside = tp.get_text_bounded(x0 - TOL, y0 - TOL, x1 + TOL, y1 + TOL)
            wider = tp.get_text_bounded(x0 - TOL, y0 - TOL, x1 + 8, y1 + TOL)  # gutter 11 pt
            assert inside == wider
        text = tp.get_text_range().replace("\r\n", "")
        assert LONG_URL in text
        tp.close()
    finally:
        pdf.close()
    assert any("second" in w and "broken across lines" in w for w in result.warnings)


def test_url_breaks_after_its_slashes_and_hyphens_and_joins_back(make_edition, tmp_path):
    """UAX #14 break opportunities inside a word: after "/" and "-", with no hyphen added
    and no warning; the pieces come back as the URL from the layout and the text layer."""
    import pypdfium2 as pdfium

    url = ("https://www.bmd.gov.bd/reports/2026/seasonal/monsoon-outlook-long-range-"
           "forecast-for-south-asia-final.pdf")
    out = tmp_path / "out"
    result, columns = _build_with_word(make_edition, out, url)
    lines = [ln for e in columns for ln in e["lines"]]
    first = next(k for k, ln in enumerate(lines) if ln["text"].split(" ")[-1] in url
                 and ln.get("continues"))
    joined, k = "", first
    while True:
        ln = lines[k]
        words = ln["text"].split(" ")
        joined += words[-1] if k == first else words[0]
        if not ln.get("continues"):
            break
        assert ln["continues"] == "dash" and ln["text"][-1] in "/-", ln
        k += 1
    assert joined.startswith(url) and k - first >= 2
    assert not any("broken across lines" in w for w in result.warnings)
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    try:
        tp = pdf[0].get_textpage()
        text = tp.get_text_range().replace("\r\n", "")
        tp.close()
    finally:
        pdf.close()
    assert url in text


def test_pasted_token_of_3000_characters_is_broken_and_reported(make_edition, tmp_path):
    """A base64 blob pasted into copy: broken at cluster boundaries line after line (this
    once shaped every prefix of it, minutes and gigabytes), and what does not fit is
    overset, not lost."""
    token = "QU1D" * 750  # digits inside: no hyphenation point, no UAX #14 break
    result, columns = _build_with_word(make_edition, tmp_path / "out", token)
    assert any("second" in w and "broken across lines" in w for w in result.warnings)
    lines = [ln for e in columns for ln in e["lines"]]
    first = next(k for k, ln in enumerate(lines) if ln["text"].endswith(token[:8])
                 or token[:8] in ln["text"])
    pieces = [lines[first]["text"].split(" ")[-1]]
    pieces += [ln["text"] for ln in lines[first + 1:] if ln["text"] and " " not in ln["text"]]
    assert len(pieces) > 10 and token.startswith("".join(pieces))
    assert result.report["stories"]["second"]["overset_words"]  # the rest: overset


def test_english_jump_line_is_shortened_not_cut(make_edition, tmp_path):
    """"Continued on page 2, column 5" does not fit a 35 mm column at the jump line's
    size: a shorter form that still names page and column is set instead."""
    import json

    from epaper.build import build_edition

    story = make_edition / "stories" / "second.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n" + (
        "The Met office said showers would spread from the south-west during the day. "
        * 10 + "\n\n") * 12, encoding="utf-8")
    ed = make_edition / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8").replace(
        "      - stories/second.md\n",
        "      - {file: stories/second.md, continue: {page: 2}}\n"
        "  - template: inside\n    stories: []\n"), encoding="utf-8")
    build_edition(make_edition, tmp_path / "out")
    layout = json.loads((tmp_path / "out" / "layout.json").read_text(encoding="utf-8"))
    (jump,) = [e for e in layout["pages"][0]["elements"]
               if e["role"] == "jumpline" and e["story"] == "second"]
    (line,) = jump["lines"]
    assert line["text"].endswith(("column 5", "col. 5")) and "page 2" in line["text"]
