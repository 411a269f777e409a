"""Slot roles beyond `story`: briefs, photo, column rules, and the desk's --proof marks."""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from epaper.build import build_edition
from epaper.errors import ContentError

TOL = 0.5
BRIEFS = ["brief-library", "brief-vaccine", "brief-ferry"]


def elements(layout: dict, page: int, **match: str) -> list[dict]:
    return [e for e in layout["pages"][page - 1]["elements"]
            if all(e.get(k) == v for k, v in match.items())]


def slot_box(layout: dict, page: int, slot: str) -> list[float]:
    """The union of everything placed in a slot (PDF coordinates)."""
    boxes = [e["box"] for e in elements(layout, page, slot=slot)]
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


def inside(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - TOL and inner[1] >= outer[1] - TOL
            and inner[2] <= outer[2] + TOL and inner[3] <= outer[3] + TOL)


# -- briefs: several short stories stacked in one slot -----------------------------------

def test_briefs_stack_in_edition_order_under_the_slot_title(sample_layout, sample_report):
    title = elements(sample_layout, 8, role="title", slot="briefs")
    assert [ln["text"] for e in title for ln in e["lines"]] == ["সংক্ষেপে"]
    heads = {sid: elements(sample_layout, 8, role="headline", story=sid)[0]["box"]
             for sid in BRIEFS}
    tops = [heads[sid][3] for sid in BRIEFS]
    assert tops == sorted(tops, reverse=True)  # PDF y grows up: each brief lower down
    assert title[0]["box"][1] >= tops[0] - TOL
    for above, below in zip(BRIEFS, BRIEFS[1:], strict=False):
        lowest = min(e["box"][1] for e in elements(sample_layout, 8, story=above))
        assert heads[below][3] <= lowest + TOL
    for sid in BRIEFS:
        info = sample_report["stories"][sid]
        assert info["slots"] == ["briefs"] and not info["overset_words"]
        for e in elements(sample_layout, 8, story=sid):
            assert e["slot"] == "briefs"


def test_only_the_last_brief_can_leave_the_slot_underset(sample_report, sample_layout):
    """A brief with another stacked below it does not end at the slot's foot: it has no
    underset, however far below it the slot ends."""
    for sid in BRIEFS[:-1]:
        assert sample_report["stories"][sid]["underset_lines"] == 0, sid


def test_underset_story_is_named_in_a_warning(make_edition, tmp_path):
    result = build_edition(make_edition, tmp_path / "out")
    short = {sid: info for sid, info in result.report["stories"].items()
             if info["underset_lines"]}
    assert short  # the mini edition's two stories are far shorter than their slots
    for sid, info in short.items():
        said = [w for w in result.warnings if w.startswith(f"{sid}: ")
                and "empty lines at the foot" in w]
        assert len(said) == 1, result.warnings
        assert f"{info['underset_lines']} empty lines" in said[0]
        assert f"page {info['pages'][-1]}" in said[0]


def test_photo_the_slot_has_no_room_for_is_named_in_a_warning(make_edition, tmp_path):
    story = make_edition / "stories" / "first.md"
    (make_edition / "photos" / "second.jpg").write_bytes(
        (make_edition / "photos" / "river.jpg").read_bytes())
    text = story.read_text(encoding="utf-8")
    assert '    focus: [0.5, 0.4]\n' in text
    story.write_text(text.replace('    focus: [0.5, 0.4]\n', '    focus: [0.5, 0.4]\n'
                                  '  - file: "../photos/second.jpg"\n'
                                  '    caption: "দ্বিতীয় ছবি"\n'), encoding="utf-8")
    result = build_edition(make_edition, tmp_path / "out")
    said = [w for w in result.warnings if "second.jpg" in w]
    assert len(said) == 1 and "first:" in said[0] and "not printed" in said[0], said
    layout = json.loads((tmp_path / "out" / "layout.json").read_text(encoding="utf-8"))
    photos = [e for p in layout["pages"] for e in p["elements"] if e["role"] == "photo"]
    assert len(photos) == 1  # the first photo is printed, the second is only reported


def test_source_is_printed_after_the_byline(make_edition, tmp_path):
    story = make_edition / "stories" / "second.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "lang: en", 'lang: en\nsource: "Reuters"'), encoding="utf-8")
    build_edition(make_edition, tmp_path / "out")
    layout = json.loads((tmp_path / "out" / "layout.json").read_text(encoding="utf-8"))
    bylines = [ln["text"] for p in layout["pages"] for e in p["elements"]
               if e["story"] == "second" and e["role"] == "byline" for ln in e["lines"]]
    assert bylines == ["Staff Correspondent (Reuters)"]


def _with_ad(edition, size, cmyk=False):  # type: ignore[no-untyped-def]
    from conftest import write_photo
    from PIL import Image

    (edition / "ads").mkdir()
    if cmyk:  # art separated for coated paper: 320 % in the dark half
        art = Image.new("CMYK", size, (0, 40, 200, 0))
        art.paste((255, 255, 255, 51), (0, 0, size[0] // 2, size[1]))
        art.save(edition / "ads" / "shop.jpg", quality=95)
    else:
        write_photo(edition / "ads" / "shop.jpg", size=size)
    ed = edition / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8").replace(
        "template: inside", "template: inside-ad").replace(
        "- stories/second.md", "- stories/second.md\n    ads:\n"
        "      - {slot: ad, file: ads/shop.jpg}"), encoding="utf-8")


def test_low_resolution_ad_is_named_by_its_file(make_edition, tmp_path):
    _with_ad(make_edition, (700, 500))
    result = build_edition(make_edition, tmp_path / "out")
    assert any(w.startswith("page 1: ad ads/shop.jpg prints at") for w in result.warnings), (
        result.warnings)


def test_heavy_cmyk_ad_is_separated_again_for_the_press(make_edition, tmp_path):
    from epaper.preflight import preflight_file

    _with_ad(make_edition, (1200, 900), cmyk=True)
    result = build_edition(make_edition, tmp_path / "out")
    said = [w for w in result.warnings if "ads/shop.jpg is CMYK with up to" in w]
    assert len(said) == 1 and "separated again" in said[0], result.warnings
    assert result.report["summary"]["warnings"] == len(result.warnings)
    pf = preflight_file(tmp_path / "out" / "edition.pdf")
    assert not pf.errors, pf.errors
    assert max(p.max_ink for p in pf.pages) <= 240


def test_ad_below_the_floor_is_refused_by_its_file(make_edition, tmp_path):
    _with_ad(make_edition, (160, 120))
    with pytest.raises(ContentError, match="ad ads/shop.jpg would print at") as exc:
        build_edition(make_edition, tmp_path / "out")
    assert exc.value.field == "pages[0].ads"
    assert not (tmp_path / "out").exists()


def test_briefs_slot_overflow_is_reported_overset(make_edition, tmp_path):
    ed = make_edition
    text = (ed / "edition.yaml").read_text(encoding="utf-8")
    lines = ["    - template: back", "      section: \"শেষ পাতা\"", "      stories:"]
    for k in range(5):
        story = ed / "stories" / f"brief{k}.md"
        story.write_text("---\nheadline: \"সংক্ষিপ্ত খবর নম্বর " + str(k) + "\"\n---\n"
                         + "ঢাকায় আজ একটি গুরুত্বপূর্ণ সভা অনুষ্ঠিত হয়েছে। " * 12 + "\n",
                         encoding="utf-8")
        lines.append(f"        - {{file: stories/brief{k}.md, slot: briefs}}")
    (ed / "edition.yaml").write_text(text.replace("pages:\n", "pages:\n" + "\n".join(
        lines).replace("    - ", "  - ", 1).replace("\n      ", "\n    ") + "\n"),
        encoding="utf-8")
    result = build_edition(ed, tmp_path / "out")
    overset = result.overset
    assert overset, result.warnings
    # Everything is accounted for: what is not on the page is listed, nothing is lost.
    report = result.report["stories"]
    for k in range(5):
        info = report[f"brief{k}"]
        assert info["words_placed"] + len(info["overset_words"]) == 12 * 7


# -- photo slots --------------------------------------------------------------------------

def test_photo_slot_fills_its_width_with_caption_below(sample_layout):
    (photo,) = elements(sample_layout, 8, role="photo", slot="picture")
    (caption,) = elements(sample_layout, 8, role="caption", slot="picture")
    (credit,) = elements(sample_layout, 8, role="credit", slot="picture")
    (head,) = elements(sample_layout, 8, role="headline", slot="picture")
    # Grid columns 5-6 of the broadsheet: 2 x 35 mm + 4 mm gutter.
    assert photo["box"][2] - photo["box"][0] == pytest.approx(74 * 72 / 25.4, abs=0.1)
    assert head["box"][1] >= photo["box"][3] - TOL
    assert caption["box"][3] <= photo["box"][1] + TOL
    assert credit["box"][3] <= caption["box"][3] + TOL
    # It fills the slot: the credit ends within two grid lines of the slot's foot
    # (rows 79-104 of the type area, top margin 12 mm).
    foot = 1502.36 - (12 * 72 / 25.4 + 104 * 13)
    assert foot - TOL <= credit["box"][1] <= foot + 2 * 13


def test_photo_slot_refuses_body_text(make_edition, tmp_path):
    ed = make_edition
    y = (ed / "edition.yaml").read_text(encoding="utf-8")
    (ed / "edition.yaml").write_text(y.replace("template: inside", "template: back").replace(
        "- stories/second.md", "- {file: stories/first.md, slot: picture}").replace(
        "{file: stories/first.md, slot: top}", "stories/second.md"), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        build_edition(ed, tmp_path / "out")
    message = str(info.value)
    assert "first.md" in message and "picture" in message and "caption" in message
    assert not (tmp_path / "out").exists()


# -- rules between columns ------------------------------------------------------------------

def test_column_rules_sit_in_the_gutters_of_the_lead(sample_layout):
    bodies = sorted((e for e in elements(sample_layout, 1, role="body", slot="lead")),
                    key=lambda e: e["box"][0])
    rules = [e for e in elements(sample_layout, 1, role="rule", slot="lead")
             if e["box"][0] == e["box"][2]]
    gutters = [(a["box"][2] + b["box"][0]) / 2 for a, b in zip(bodies, bodies[1:], strict=False)
               if a["box"][3] > b["box"][1]]
    inner = sorted(r["box"][0] for r in rules if r["box"][0] < bodies[-1]["box"][2])
    assert len(bodies) >= 3
    assert inner == pytest.approx(gutters, abs=0.01)


# -- proof marks -------------------------------------------------------------------------

def _magenta_pixels(pdf_path, page: int = 0) -> int:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        img = pdf[page].render(scale=0.5).to_pil().convert("RGB")
    finally:
        pdf.close()
    r, g, b = (band.point(lambda v, t=t: 255 if t(v) else 0) for band, t in zip(
        img.split(), (lambda v: v > 200, lambda v: v < 90, lambda v: v > 120), strict=False))
    from PIL import ImageChops

    both = ImageChops.multiply(ImageChops.multiply(r, g), b)
    return both.histogram()[255]


def test_proof_build_frames_overset_story_in_magenta(make_edition, tmp_path):
    story = make_edition / "stories" / "second.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n"
                     + "More rain is expected in the coming days. " * 300 + "\n",
                     encoding="utf-8")
    plain = build_edition(make_edition, tmp_path / "plain")
    proof = build_edition(make_edition, tmp_path / "proof", proof=True)
    assert plain.overset and proof.overset == plain.overset
    layout = json.loads((tmp_path / "proof" / "layout.json").read_text(encoding="utf-8"))
    marks = [e for e in layout["pages"][0]["elements"] if e["role"] == "proof"]
    label = [ln["text"] for e in marks for ln in e.get("lines", [])]
    assert label and "OVERSET second" in label[0]
    assert f"{len(proof.overset['second'])} words" in label[0]
    plain_layout = json.loads((tmp_path / "plain" / "layout.json").read_text(encoding="utf-8"))
    assert not [e for p in plain_layout["pages"] for e in p["elements"] if e["role"] == "proof"]
    # The test photo is random noise with some magenta in it: compare with the plain build.
    assert (_magenta_pixels(tmp_path / "proof" / "edition.pdf")
            - _magenta_pixels(tmp_path / "plain" / "edition.pdf")) > 200


# -- ads ---------------------------------------------------------------------------------

def test_ad_slot_shows_the_edition_ad_and_the_sample_has_no_placeholder(sample_build,
                                                                      sample_layout):
    (ad,) = elements(sample_layout, 3, role="ad")
    assert ad["image"]["file"] == "ads/epaper-subscription.jpg"
    assert ad["image"]["ppi"] == pytest.approx(200, abs=1)
    assert "lines" not in ad  # no "বিজ্ঞাপন" label over a real ad
    ads = [e for p in sample_layout["pages"] for e in p["elements"] if e["role"] == "ad"]
    assert all("image" in e for e in ads) and len(ads) == 3  # issue 12: no empty ad slot
    out, _ = sample_build
    pdf = pdfium.PdfDocument(out / "screen" / "pages" / "03.pdf")
    try:
        img = pdf[0].render(scale=0.5).to_pil().convert("RGB")
    finally:
        pdf.close()
    x0, y0, x1, y1 = ad["box"]
    h = sample_layout["pages"][2]["height"]
    r, g, b = img.getpixel((int((x0 + 20) * 0.5), int((h - y1 + 20) * 0.5)))
    assert b > 100 and r < 60  # the ad's deep blue, as drawn
