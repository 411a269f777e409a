"""The e-paper (web/): article regions from the layout, the desk's own text, ALTO that
validates and reads back the printed words, IIIF files that are exactly what they list,
a manifest and collection that IIIF tools accept, and an archive over several editions."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from PIL import Image, ImageChops, ImageStat

from epaper.build import build_edition, layout, load
from epaper.content.edition import load_edition
from epaper.errors import EpaperError
from epaper.web.edition import CONTENT_ROLES, page_plan
from epaper.web.iiif import manifest
from epaper.web.images import page_images, plan_page
from epaper.web.search import search_key
from epaper.web.tiles import listed_files, scale_factors, tile_requests

lxml = pytest.importorskip("lxml.etree", reason="lxml validates ALTO (pip install lxml)")
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
SCHEMAS = Path(__file__).parent / "data" / "alto"


@pytest.fixture(scope="module")
def web(sample_build) -> Path:
    out, _ = sample_build
    return out / "web"


@pytest.fixture(scope="module")
def edmap(web) -> dict:
    return json.loads((web / "edition.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles(edmap) -> dict[str, dict]:
    return {a["id"]: a for a in edmap["articles"]}


@pytest.fixture(scope="module")
def stories() -> dict:
    return {s.id: s for s in load_edition(SAMPLES).stories}


@pytest.fixture(scope="module")
def frames() -> list:
    frames, _log = layout(load(SAMPLES))
    return frames


@pytest.fixture(scope="module")
def alto_schema():
    class Local(lxml.Resolver):
        def resolve(self, url, pubid, context):  # the XSD imports XLink by its LoC URL
            if url == "http://www.loc.gov/standards/xlink/xlink.xsd":
                return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
            return None

    parser = lxml.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    return lxml.XMLSchema(lxml.parse(str(SCHEMAS / "alto-4-4.xsd"), parser))


def _content_boxes(sample_layout) -> dict[tuple[str, int, str], list[list[float]]]:
    groups: dict[tuple[str, int, str], list[list[float]]] = {}
    for page in sample_layout["pages"]:
        for el in page["elements"]:
            if el["story"] and el["role"] in CONTENT_ROLES:
                groups.setdefault((el["story"], page["number"], el["slot"]), []).append(el["box"])
    return groups


# -- the article map ----------------------------------------------------------------------

def test_every_article_of_the_layout_has_its_regions_scaled_from_the_layout(
        sample_layout, edmap, articles):
    groups = _content_boxes(sample_layout)
    assert {k[0] for k in groups} == set(articles)
    pages = {p["number"]: p for p in edmap["pages"]}
    seen = set()
    for a in articles.values():
        for r in a["regions"]:
            key = (a["id"], r["page"], r["slot"])
            boxes = groups[key]
            seen.add(key)
            want = [min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes)]
            assert r["pt"] == pytest.approx(want, abs=0.011), key
            p = pages[r["page"]]
            sx = p["image"]["width"] / p["width_pt"]
            sy = p["image"]["height"] / p["height_pt"]
            h = p["height_pt"]
            px = [want[0] * sx, (h - want[3]) * sy, want[2] * sx, (h - want[1]) * sy]
            assert r["px"] == pytest.approx(px, abs=0.06), key
    assert seen == set(groups)


def test_a_region_holds_no_other_article(sample_layout, articles):
    groups = _content_boxes(sample_layout)
    for a in articles.values():
        for r in a["regions"]:
            x0, y0, x1, y1 = r["pt"]
            for (story, page, _slot), boxes in groups.items():
                if story == a["id"] or page != r["page"]:
                    continue
                for b in boxes:
                    wide = min(x1, b[2]) - max(x0, b[0])
                    tall = min(y1, b[3]) - max(y0, b[1])
                    assert not (wide > 0.5 and tall > 0.5), (a["id"], story, page)


def test_clipping_is_exactly_the_article_cut_from_the_page(web, edmap, articles):
    pages = {p["number"]: p for p in edmap["pages"]}
    for sid in ("satellite-launch", "brief-ferry", "winter-sun", "exam-results"):
        for r in articles[sid]["regions"]:
            clip = Image.open(web / r["clip"]["file"]).convert("RGB")
            x0, y0, x1, y1 = r["clip"]["box"]  # the region in whole pixels
            assert r["clip"]["box"] == pytest.approx(r["px"], abs=0.51)
            assert clip.size == (r["clip"]["width"], r["clip"]["height"]) == (x1 - x0, y1 - y0)
            page = Image.open(web / pages[r["page"]]["image"]["file"]).convert("RGB")

            # Two JPEGs of one raster differ a little; the same cut 3 px off, a lot more.
            here = _difference(page, clip, x0, y0)
            assert here < 6, (sid, r["page"], here)
            assert here < 0.6 * min(_difference(page, clip, x0 + dx, y0 + dy)
                                    for dx, dy in ((3, 0), (-3, 0), (0, 3), (0, -3)))


def _difference(page: Image.Image, clip: Image.Image, x: int, y: int) -> float:
    crop = page.crop((x, y, x + clip.width, y + clip.height))
    return max(ImageStat.Stat(ImageChops.difference(crop, clip)).mean)


def test_article_text_is_the_cleaned_story_text(articles, stories):
    for sid, a in articles.items():
        s = stories[sid]
        assert [b["text"] for b in a["text"]] == [b.text for b in s.blocks], sid
        assert [b["kind"] for b in a["text"]] == [b.kind for b in s.blocks], sid
        assert (a["headline"], a["kicker"], a["byline"], a["dateline"]) == (
            s.headline, s.kicker, s.byline, s.dateline)
    # The sample prints every story whole (test_overset_story_is_whole_in_the_epaper
    # has one that does not fit).
    assert all(a["printed_words"] == a["words"] == len(stories[sid].words())
               for sid, a in articles.items())


def test_overset_story_is_whole_in_the_epaper(make_edition, tmp_path):
    """An article's text is the desk's, whole, though the page printed only part of it."""
    from epaper.build import build_edition

    path = make_edition / "stories" / "second.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "\n\n".join(
        f"Paragraph {k}: the Met office said showers would spread from the south-west "
        "during the day and ease by the evening." for k in range(40)) + "\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = build_edition(make_edition, out, variants=("screen",), epaper=True)
    assert result.overset["second"]
    edmap = json.loads((out / "web" / "edition.json").read_text(encoding="utf-8"))
    second = next(a for a in edmap["articles"] if a["id"] == "second")
    assert second["printed_words"] < second["words"]
    assert " ".join(b["text"] for b in second["text"]).split()[-3:] == [
        "by", "the", "evening."]


def test_continued_story_links_both_ways(sample_layout, articles):
    a = articles["satellite-launch"]
    assert a["pages"] == [1, 2]
    (jump,) = a["jumps"]
    assert (jump["from_page"], jump["to_page"]) == (1, 2)
    els = [(p["number"], el) for p in sample_layout["pages"] for el in p["elements"]
           if el["story"] == "satellite-launch"]
    line = next(el for n, el in els if n == 1 and el["role"] == "jumpline")
    heads = [el["box"] for n, el in els if n == 2 and el["role"] in ("jumphead", "jumpfrom")]
    assert jump["from"]["pt"] == pytest.approx(line["box"], abs=0.011)
    assert jump["to"]["pt"] == pytest.approx(
        [min(b[0] for b in heads), min(b[1] for b in heads), max(b[2] for b in heads),
         max(b[3] for b in heads)], abs=0.011)
    assert all(not other["jumps"] for sid, other in articles.items()
               if sid not in ("satellite-launch",) and len(other["pages"]) == 1)


def test_photos_with_captions_credits_and_their_image(web, articles, stories):
    for sid, a in articles.items():
        s = stories[sid]
        assert [(p["caption"], p["credit"]) for p in a["photos"]] == [
            (p.caption, p.credit) for p in s.photos]
        for p in a["photos"]:
            if p["printed"]:
                with Image.open(web / p["image"]["file"]) as im:
                    assert im.size == (p["image"]["width"], p["image"]["height"])
    assert articles["satellite-launch"]["photos"][0]["printed"]


def test_pages_link_their_pdfs_and_images(web, edmap):
    assert (web / edmap["pdf"]).is_file()
    for p in edmap["pages"]:
        assert (web / p["pdf"]).is_file() and (web / p["alto"]).is_file()
        with Image.open(web / p["image"]["file"]) as im:
            assert im.size == (p["image"]["width"], p["image"]["height"])
            assert abs(im.width - 1600) <= 1
        assert p["zoom"]["width"] == 2400
    assert [p["section"] for p in edmap["pages"]][:2] == ["প্রথম পাতা", "দেশ"]


def test_viewer_data_is_the_article_map(web, edmap):
    text = (web / "data" / "edition.js").read_text(encoding="utf-8")
    assert text.startswith("window.EPAPER = ") and text.endswith(";\n")
    data = json.loads(text[len("window.EPAPER = "):-2])
    assert {k: v for k, v in data.items() if k not in ("ui", "title")} == edmap
    assert data["ui"]["search"] == "খুঁজুন"


# -- IIIF image service -------------------------------------------------------------------

def test_tile_rules_follow_the_image_api():
    assert scale_factors(2400, 3855, 512) == (1, 2, 4, 8)
    last = tile_requests(2400, 3855, 512, 8)
    assert [(r, s) for r, s, _b, _o in last] == [("full", "300,482")]
    edge = tile_requests(2400, 3855, 512, 2)[-1]
    assert edge[:2] == ("2048,3072,352,783", "176,392")  # ceil(783 / 2) = 392


def test_every_listed_iiif_file_exists_and_nothing_else(web, edmap):
    for p in edmap["pages"]:
        folder = web / p["zoom"]["info"].rsplit("/", 1)[0]
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        assert info["profile"] == "level0" and info["type"] == "ImageService3"
        files = {f.relative_to(folder).as_posix() for f in folder.rglob("*") if f.is_file()}
        assert files - {"info.json"} == listed_files(info)
        for name in files - {"info.json"}:
            with Image.open(folder / name) as im:
                if name.startswith("full/max/"):
                    assert im.size == (info["maxWidth"], info["maxHeight"])
                else:
                    w, h = name.split("/")[1].split(",")
                    assert im.size == (int(w), int(h)), name


def test_page_images_writes_what_was_planned(make_edition, tmp_path):
    out = tmp_path / "out"
    build_edition(make_edition, out, variants=("screen",))
    frames, _log = layout(load(make_edition))
    plan = page_plan(frames[0])
    done = page_images(out / "screen" / "pages" / "01.pdf", tmp_path / "web", plan)
    assert done.bytes > 0 and plan.bytes == 0
    assert done.files == plan.files
    assert [(n, f.width, f.height) for n, f in done.clips] == [
        (n, f.width, f.height) for n, f in plan.clips]
    for name in done.files:
        assert (tmp_path / "web" / name).is_file()
    assert plan_page(1, 935.4331, 1502.3622).service.max.height == 2570


# -- ALTO -----------------------------------------------------------------------------------

def test_every_alto_page_validates_against_the_official_schema(web, edmap, alto_schema):
    for p in edmap["pages"]:
        doc = lxml.parse(str(web / p["alto"]))
        assert alto_schema.validate(doc), (p["alto"], alto_schema.error_log.last_error)


def _alto_words(blocks) -> list[str]:
    """Words as a reader of the ALTO gets them: a broken word once, whole."""
    words = []
    for s in (s for b in blocks for s in b.iter(f"{ALTO}String")):
        part = s.get("SUBS_TYPE")
        if part == "HypPart2":
            continue
        words.append(s.get("SUBS_CONTENT") if part == "HypPart1" else s.get("CONTENT"))
    return words


def _article_blocks(web, edmap, sid: str, roles: tuple[str, ...], frames) -> list:
    """The article's TextBlocks of the given roles on every page, in reading order."""
    out = []
    for page in [p for p in edmap["pages"] if sid in p["articles"]]:
        root = lxml.parse(str(web / page["alto"])).getroot()
        tags = {t.get("ID"): t.get("LABEL") for t in root.iter(f"{ALTO}StructureTag")}
        frame = frames[page["number"] - 1]
        texts = [el for el in frame.elements if el.story == sid and el.lines
                 and el.role in CONTENT_ROLES]
        for cb in root.iter(f"{ALTO}ComposedBlock"):
            if tags[cb.get("TAGREFS")] != sid:
                continue
            blocks = list(cb.iter(f"{ALTO}TextBlock"))
            assert len(blocks) == len(texts)
            out += [b for b, el in zip(blocks, texts, strict=True) if el.role in roles]
    return out


def test_alto_strings_give_each_article_its_printed_words_in_order(web, edmap, stories,
                                                                  sample_report, frames):
    for sid, story in stories.items():
        if sid not in {a["id"] for a in edmap["articles"]}:
            continue
        body = _alto_words(_article_blocks(web, edmap, sid, ("body",), frames))
        placed = sample_report["stories"][sid]["words_placed"]
        assert len(body) == placed, sid
        assert body == story.words()[:placed], sid
        head = _alto_words(_article_blocks(web, edmap, sid, ("headline",), frames))
        assert head == story.headline.split(), sid


def test_alto_word_boxes_are_the_layout_scaled(web, edmap, frames):
    page = edmap["pages"][0]
    root = lxml.parse(str(web / page["alto"])).getroot()
    s = page["zoom"]["width"] / page["width_pt"]
    sy = page["zoom"]["height"] / page["height_pt"]
    strings: dict[str, list] = {}
    for st in root.iter(f"{ALTO}String"):
        strings.setdefault(st.get("CONTENT"), []).append(st)
    checked = 0
    for el in frames[0].elements:
        if el.role != "body":
            continue
        for line in el.lines:
            size = max(r.size for pw in line.words for r in pw.word.runs)
            top, bottom = line.baseline - 0.9 * size, line.baseline + 0.3 * size  # ASCENT, DESCENT
            for pw in line.words:
                if " " in pw.word.text or pw.word.joined or pw.word.hyphen:
                    continue
                found = [st for st in strings.get(pw.word.text, [])
                         if abs(float(st.get("HPOS")) - pw.x * s) < 0.06
                         and abs(float(st.get("VPOS")) - top * sy) < 0.06]
                assert found, pw.word.text
                # A word is as wide as it is drawn: the line's font expansion included.
                assert float(found[0].get("WIDTH")) == pytest.approx(
                    pw.word.width * line.scale * s, abs=0.06)
                assert float(found[0].get("HEIGHT")) == pytest.approx((bottom - top) * sy,
                                                                      abs=0.11)
                checked += 1
    assert checked > 500


def test_alto_marks_hyphenated_words(web, edmap, sample_layout):
    for page, lpage in zip(edmap["pages"], sample_layout["pages"], strict=True):
        root = lxml.parse(str(web / page["alto"])).getroot()
        hyphens = sum(1 for el in lpage["elements"] for ln in el.get("lines", [])
                      if ln.get("continues") == "hyphen")
        assert len(list(root.iter(f"{ALTO}HYP"))) == hyphens
        firsts = [s for s in root.iter(f"{ALTO}String") if s.get("SUBS_TYPE") == "HypPart1"]
        seconds = [s for s in root.iter(f"{ALTO}String") if s.get("SUBS_TYPE") == "HypPart2"]
        assert len(firsts) == len(seconds) >= hyphens
        for a, b in zip(firsts, seconds, strict=True):
            assert a.get("SUBS_CONTENT") == b.get("SUBS_CONTENT") == a.get("CONTENT") + b.get(
                "CONTENT")
    assert hyphens >= 0


def test_alto_photos_are_illustrations_of_their_article(web, edmap):
    root = lxml.parse(str(web / edmap["pages"][0]["alto"])).getroot()
    tags = {t.get("ID"): t.get("LABEL") for t in root.iter(f"{ALTO}StructureTag")}
    photos = [i for i in root.iter(f"{ALTO}Illustration") if i.get("TYPE") == "photo"]
    assert photos and all(tags[i.get("TAGREFS")] for i in photos)
    assert "satellite-launch" in {tags[i.get("TAGREFS")] for i in photos}


# -- IIIF presentation ----------------------------------------------------------------------

BASE = "https://epaper.example.com/2026-12-07/"


def test_manifest_is_valid_presentation_3(edmap):
    prezi3 = pytest.importorskip("iiif_prezi3", reason="pip install iiif-prezi3")
    m = manifest(edmap, BASE)
    prezi3.Manifest(**m)  # raises on anything the Presentation 3 model refuses
    assert m["navDate"] == "2026-12-07T00:00:00+06:00"
    assert len(m["items"]) == len(edmap["pages"])
    assert len(m["structures"]) == len(edmap["articles"])


def test_manifest_canvases_ranges_and_alto(web, edmap):
    m = json.loads((web / "manifest.json").read_text(encoding="utf-8"))
    for canvas, page in zip(m["items"], edmap["pages"], strict=True):
        info = json.loads((web / page["zoom"]["info"]).read_text(encoding="utf-8"))
        assert (canvas["width"], canvas["height"]) == (info["width"], info["height"])
        (alto,) = canvas["seeAlso"]
        assert alto["id"] == page["alto"] and (web / alto["id"]).is_file()
        body = canvas["items"][0]["items"][0]["body"]
        assert (web / body["id"]).is_file()
        assert body["service"][0]["profile"] == "level0"
    ranges = {r["id"].rsplit("/", 1)[-1]: r for r in m["structures"]}
    jumped = ranges["satellite-launch"]["items"]
    assert [i["id"].split("#")[0] for i in jumped] == ["canvas/p1", "canvas/p2"]
    a = next(a for a in edmap["articles"] if a["id"] == "satellite-launch")
    for item, region in zip(jumped, a["regions"], strict=True):
        page = edmap["pages"][region["page"] - 1]
        s = page["zoom"]["width"] / page["width_pt"]
        x, y, w, h = (int(v) for v in item["id"].split("#xywh=")[1].split(","))
        x0, y0, x1, y1 = region["pt"]
        assert (x, y, w, h) == pytest.approx(
            (x0 * s, (page["height_pt"] - y1) * s, (x1 - x0) * s, (y1 - y0) * s), abs=1.01)


def test_article_pages_carry_newsarticle_jsonld(web, edmap, stories):
    for a in edmap["articles"]:
        html = (web / a["html"]).read_text(encoding="utf-8")
        m = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
        data = json.loads(m.group(1))
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == stories[a["id"]].headline
        assert data["datePublished"].startswith("2026-12-07")
        assert data["printPage"] == str(a["pages"][0])
        assert data["printSection"] == a["section"]
        assert 1 <= int(data["printColumn"]) <= 8
        assert data["printEdition"].startswith("2026-12-07")
        assert data["articleBody"] == "\n\n".join(b.text for b in stories[a["id"]].blocks)
    lead = next(a for a in edmap["articles"] if a["id"] == "satellite-launch")
    assert lead["column"] == 1


def test_viewer_page_is_bengali_and_self_contained(web):
    html = (web / "index.html").read_text(encoding="utf-8")
    assert "দৈনিক সমাচার" in html and "সোমবার, ৭ ডিসেম্বর ২০২৬" in html
    assert "খুঁজুন" in html and "পুরো সংস্করণ (PDF)" in html
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert not re.match(r"(https?:)?//", url), url  # no CDN, nothing from elsewhere
        if not url.startswith(("#", "data:")):
            assert (web / url).is_file(), url
    assert (web / "static" / "openseadragon" / "LICENSE.txt").is_file()


# -- search spelling ------------------------------------------------------------------------

def test_search_key_is_the_cleanup_spelling():
    assert search_key("\u09af\u09bc") == search_key("\u09df")  # য় typed either way
    assert search_key("উৎসব") == search_key("উত\u09cd\u200dসব")  # khanda-ta either way
    assert search_key("Dhaka’s METRO!") == "dhaka s metro"
    assert search_key("বাংলাদেশ। ঢাকা") == "বাংলাদেশ ঢাকা"


# -- builds, the CLI and the archive --------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})


def test_epaper_build_is_deterministic_and_replaced_by_a_plain_build(make_edition, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_edition(make_edition, a, variants=("print",), preflight=False, epaper=True)
    build_edition(make_edition, b, variants=("print",), preflight=False, epaper=True)
    files = sorted(p.relative_to(a / "web") for p in (a / "web").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(b / "web") for p in (b / "web").rglob("*")
                                     if p.is_file())
    for f in files:
        assert (a / "web" / f).read_bytes() == (b / "web" / f).read_bytes(), f
    assert (a / "screen" / "edition.pdf").is_file()  # --epaper implies the screen variant
    build_edition(make_edition, a, variants=("screen",))
    assert not (a / "web").exists()  # it would disagree with the new layout.json


def test_a_web_folder_that_is_not_ours_is_refused(make_edition, tmp_path):
    out = tmp_path / "out"
    (out / "web").mkdir(parents=True)
    (out / "web" / "notes.txt").write_text("mine")
    with pytest.raises(EpaperError, match="web/notes.txt"):
        build_edition(make_edition, out, epaper=True)
    assert (out / "web" / "notes.txt").read_text() == "mine"


def test_site_indexes_editions_newest_first_with_a_collection(make_edition, tmp_path):
    root = tmp_path / "site"
    yaml = make_edition / "edition.yaml"
    for day in ("2026-12-06", "2026-12-08", "2026-12-07"):
        yaml.write_text(re.sub(r"date: \S+", f"date: {day}", yaml.read_text()))
        build_edition(make_edition, root / day, variants=("screen",), epaper=True)
    done = _cli("site", str(root), "--url", "https://epaper.example.com/archive")
    assert done.returncode == 0, done.stderr
    page = (root / "index.html").read_text(encoding="utf-8")
    order = [page.index(f'href="{d}/web/index.html"') for d in
             ("2026-12-08", "2026-12-07", "2026-12-06")]
    assert order == sorted(order)
    for thumb in re.findall(r'<img src="([^"]+)"', page):
        assert (root / thumb).is_file()
    coll = json.loads((root / "collection.json").read_text(encoding="utf-8"))
    assert [i["navDate"][:10] for i in coll["items"]] == ["2026-12-08", "2026-12-07",
                                                          "2026-12-06"]
    assert coll["items"][0]["id"] == ("https://epaper.example.com/archive/2026-12-08/web/"
                                      "manifest.json")
    prezi3 = pytest.importorskip("iiif_prezi3", reason="pip install iiif-prezi3")
    prezi3.Collection(**coll)


def test_site_without_editions_says_what_to_do(tmp_path):
    done = _cli("site", str(tmp_path))
    assert done.returncode == 1
    assert "no e-paper found" in done.stderr and "--epaper" in done.stderr


def test_cli_build_epaper_with_url(make_edition, tmp_path):
    out = tmp_path / "out"
    done = _cli("build", str(make_edition), "-o", str(out), "--epaper-url",
                "https://epaper.example.com/d")
    assert done.returncode == 0, done.stderr
    assert f"e-paper: {out / 'web' / 'index.html'}" in done.stdout
    assert "relative" not in done.stdout
    info = json.loads((out / "web" / "iiif" / "01" / "info.json").read_text(encoding="utf-8"))
    assert info["id"] == "https://epaper.example.com/d/iiif/01"
    m = json.loads((out / "web" / "manifest.json").read_text(encoding="utf-8"))
    assert m["id"] == "https://epaper.example.com/d/manifest.json"
    assert math.isclose(info["width"] / info["height"], 935.4331 / 1502.3622, rel_tol=1e-3)


def test_interface_words_exist_in_both_languages_for_every_use():
    from epaper.web.viewer import LABELS, STATIC, TEMPLATES

    assert LABELS["bn"].keys() == LABELS["en"].keys()
    used = set(re.findall(r"\bL\.(\w+)", (STATIC / "viewer.js").read_text(encoding="utf-8")))
    used |= set(re.findall(r"\$(\w+)", (TEMPLATES / "index.html").read_text(encoding="utf-8")))
    filled = {"lang", "title", "name", "date", "first_pdf", "edition_pdf", "thumbs",
              "fallback_pages", "fallback_articles"}
    assert used - filled <= LABELS["bn"].keys(), used - filled - LABELS["bn"].keys()


def test_story_ids_that_are_not_plain_ascii_get_safe_file_names():
    from epaper.web.edition import file_stem

    assert file_stem("satellite-launch") == "satellite-launch"
    odd = file_stem("নদী ভাঙন")
    assert re.fullmatch(r"story-[0-9a-f]{10}", odd) and odd == file_stem("নদী ভাঙন")
    assert file_stem("../etc") != "../etc"


def test_page_images_from_the_edition_pdf_by_index(sample_build, frames, tmp_path):
    out, _ = sample_build
    plan = page_plan(frames[1])
    done = page_images(out / "screen" / "edition.pdf", tmp_path, plan, page_index=1)
    assert done.files == plan.files and all((tmp_path / f).is_file() for f in done.files)
    ours = Image.open(tmp_path / done.reading.file).convert("L")
    built = Image.open(out / "web" / done.reading.file).convert("L")
    assert max(ImageStat.Stat(ImageChops.difference(ours, built)).mean) < 1.5


def test_epaper_url_must_be_a_web_address(make_edition, tmp_path):
    done = _cli("build", str(make_edition), "-o", str(tmp_path / "out"), "--epaper-url",
                "epaper.example.com/d")
    assert done.returncode == 2 and "not a web address" in done.stderr
    assert not (tmp_path / "out").exists()
