"""The e-paper viewer in a real browser: Debian's Chromium, driven by Playwright, reading
the sample's web/ from disk (file://) and over HTTP (python -m http.server).

Skipped, with the reason, where Chromium or Playwright is missing. Set
EPAPER_SCREENSHOTS=DIR to keep desktop and phone screenshots for a look.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

from epaper.content.edition import load_edition
from epaper.web.search import search_key

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright; "
                                      "never `playwright install`: the tests use Debian's "
                                      "chromium)")
if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

SHOTS = os.environ.get("EPAPER_SCREENSHOTS")
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def web(sample_build) -> Path:
    out, _ = sample_build
    return out / "web"


@pytest.fixture(scope="module")
def stories() -> dict:
    return {s.id: s for s in load_edition(SAMPLES).stories}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def http_url(web):
    """The web folder served by python -m http.server on a free port, stopped after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(web)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Viewer:
    """One page of the viewer, with everything that went wrong while it ran."""

    def __init__(self, browser, url: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.responses: list[tuple[int, str]] = []
        page = self.page
        page.on("console", lambda m: self.problems.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: self.responses.append((r.status, r.url)))
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']")
        self.wait_drawn()

    def wait_drawn(self) -> None:
        self.page.wait_for_function(
            "() => { const v = window.epaperViewer, it = v && v.world.getItemAt(0);"
            " return it && it.getFullyLoaded(); }")

    def go(self, fragment: str) -> None:
        self.page.evaluate("f => { location.hash = f; }", fragment)

    def shown(self) -> int:
        self.page.wait_for_function("() => document.body.dataset.shownPage")
        return int(self.page.evaluate("() => document.body.dataset.shownPage"))

    def wait_page(self, n: int) -> None:
        self.page.wait_for_function(f"() => document.body.dataset.shownPage === '{n}'")
        self.wait_drawn()

    def click(self, selector: str) -> None:
        box = self.page.locator(selector).first.bounding_box()
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    def article_texts(self, sid: str) -> list[str]:
        self.page.wait_for_selector(f'.story[data-article="{sid}"]')
        return self.page.eval_on_selector_all(".story .text > *",
                                              "els => els.map(e => e.textContent)")

    def bad_responses(self) -> list[tuple[int, str]]:
        return [(s, u) for s, u in self.responses if s >= 400]

    def shot(self, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def disk(browser, web):
    v = Viewer(browser, web.joinpath("index.html").as_uri())
    yield v
    v.close()
    assert not v.problems, v.problems


def test_opens_from_disk_and_draws_the_first_page(disk):
    assert disk.shown() == 1
    # The page is drawn: the viewer's canvas is not blank.
    png = disk.page.locator("#osd").screenshot()
    from io import BytesIO

    from PIL import Image, ImageStat
    stat = ImageStat.Stat(Image.open(BytesIO(png)).convert("L"))
    assert stat.stddev[0] > 20
    assert "পৃষ্ঠা ১ / ৮" in disk.page.inner_text("#pageinfo")
    assert disk.page.inner_text(".masthead") == "দৈনিক সমাচার"
    disk.shot("desktop-page1")


def test_clicking_an_article_region_opens_its_text(disk, stories):
    disk.click('.region[data-article="amon-harvest"]')
    texts = disk.article_texts("amon-harvest")
    assert texts == [b.text for b in stories["amon-harvest"].blocks]
    assert disk.page.inner_text(".story .headline") == stories["amon-harvest"].headline
    assert "article=amon-harvest" in disk.page.evaluate("() => location.hash")
    share = disk.page.input_value(".share-url")
    assert share.endswith("#article=amon-harvest")
    # The clipping of exactly that article and the photo are shown and load.
    assert disk.page.eval_on_selector_all(
        ".story img", "imgs => imgs.length && imgs.every(i => i.complete && i.naturalWidth > 0)")
    disk.shot("desktop-article")


def test_every_article_reads_as_the_desk_wrote_it(disk, stories, web):
    import json
    edmap = json.loads((web / "edition.json").read_text(encoding="utf-8"))
    for a in edmap["articles"]:
        disk.go(f"#article={a['id']}")
        assert disk.article_texts(a["id"]) == [b.text for b in stories[a["id"]].blocks], a["id"]
        assert disk.shown() == a["pages"][0]


def test_jump_links_both_ways(disk):
    disk.click('.jump[data-article="satellite-launch"]:not(.back)')
    disk.wait_page(2)
    disk.page.wait_for_selector('.region.flash[data-article="satellite-launch"]')
    disk.click('.jump.back[data-article="satellite-launch"]')
    disk.wait_page(1)
    # And from the article's own view.
    disk.go("#article=satellite-launch")
    disk.page.click(".story .jump-to")
    disk.wait_page(2)
    disk.page.click(".story .jump-from")
    disk.wait_page(1)


def test_search_in_bengali_and_english(disk):
    disk.page.fill("#q", "উপগ্রহ")
    disk.page.press("#q", "Enter")
    disk.page.wait_for_selector(".results .result")
    first = disk.page.get_attribute(".results .result", "data-article")
    assert first == "satellite-launch"
    assert disk.page.locator(".results mark").count() > 0
    # য় typed as one precomposed letter finds the letter + nukta of the cleaned text.
    precomposed = _results(disk, "দ্বিতী\u09df")
    assert "satellite-launch" in precomposed
    assert _results(disk, "দ্বিতী\u09af\u09bc") == precomposed
    assert "satellite-launch" in _results(disk, "FALCON")
    disk.shot("desktop-search")
    disk.page.click('.results .result[data-article="satellite-launch"]')
    disk.page.wait_for_selector('.story[data-article="satellite-launch"] mark')
    assert _results(disk, "কোনোদিনছাপাহয়নিএমনশব্দ") == []
    assert disk.page.inner_text("#panel-body .count") == "কোনো খবর পাওয়া যায়নি"


def _results(v: Viewer, query: str) -> list[str]:
    """Search as a reader does (type, Enter) and return the articles found, in order."""
    v.page.fill("#q", query)
    v.page.press("#q", "Enter")
    v.page.wait_for_function("q => decodeURIComponent(location.hash).endsWith('q=' + q) && "
                             "document.querySelector('#panel-title').textContent.includes(q)",
                             arg=query)
    return v.page.eval_on_selector_all(".results .result",
                                       "els => els.map(e => e.dataset.article)")


def test_deep_links(browser, web):
    base = web.joinpath("index.html").as_uri()
    for fragment, page, selector in (
            ("#page=3", 3, None),
            ("#article=brief-ferry", 8, '.story[data-article="brief-ferry"]'),
            ("#q=%E0%A6%89%E0%A6%AA%E0%A6%97%E0%A7%8D%E0%A6%B0%E0%A6%B9", 1, ".results li")):
        v = Viewer(browser, base + fragment)
        try:
            assert v.shown() == page, fragment
            if selector:
                v.page.wait_for_selector(selector)
            assert not v.problems, v.problems
        finally:
            v.close()


def test_zoom_brings_deeper_tiles(disk):
    home = disk.page.evaluate("() => window.epaperViewer.viewport.getZoom()")
    before = len(disk.responses)
    for _ in range(3):
        disk.page.click("#zoom-in")
    disk.page.wait_for_timeout(700)
    disk.wait_drawn()
    assert disk.page.evaluate("() => window.epaperViewer.viewport.getZoom()") > 2 * home
    tiles = [u for s, u in disk.responses[before:] if "/iiif/01/" in u]
    assert any("/512,512/0/default.jpg" in u and ",512,512/" in u for u in tiles), tiles
    assert not disk.bad_responses()
    disk.shot("desktop-zoomed")
    disk.page.click("#zoom-home")


def test_keyboard(disk):
    disk.page.locator("body").press("ArrowRight")
    disk.wait_page(2)
    disk.page.keyboard.press("End")
    disk.wait_page(8)
    disk.page.keyboard.press("ArrowLeft")
    disk.wait_page(7)
    disk.page.keyboard.press("/")
    assert disk.page.evaluate("() => document.activeElement.id") == "q"
    disk.page.keyboard.press("Escape")
    disk.go("#article=sprinter")
    disk.page.wait_for_selector("#panel:not([hidden])")
    disk.page.keyboard.press("Escape")
    disk.page.wait_for_selector("#panel[hidden]", state="attached")
    # Tab reaches the article regions; Enter opens one.
    disk.page.focus('.region[data-article="cricket-series"]')
    disk.page.keyboard.press("Enter")
    disk.page.wait_for_selector('.story[data-article="cricket-series"]')


def test_over_http(browser, http_url, stories):
    v = Viewer(browser, http_url)
    try:
        v.click('.region[data-article="rail-eticket"]')
        assert v.article_texts("rail-eticket") == [b.text for b in stories["rail-eticket"].blocks]
        v.page.fill("#q", "ই-টিকিট")
        v.page.press("#q", "Enter")
        v.page.wait_for_selector('.results .result[data-article="rail-eticket"]')
        v.go("#page=5")
        v.wait_page(5)
        assert not v.problems, v.problems
        assert not v.bad_responses(), v.bad_responses()
    finally:
        v.close()


def test_phone_article_view_reflows(browser, web):
    v = Viewer(browser, web.joinpath("index.html").as_uri() + "#article=satellite-launch", PHONE)
    try:
        v.page.wait_for_selector('.story[data-article="satellite-launch"]')
        box = v.page.locator("#panel").bounding_box()
        assert box["width"] == PHONE["width"] and box["x"] == 0
        assert v.page.evaluate("() => document.getElementById('panel-body').scrollWidth") \
            <= PHONE["width"]
        v.shot("phone-article")
        v.page.click("#panel-close")
        v.page.wait_for_selector("#panel[hidden]", state="attached")
        assert v.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        v.shot("phone-page")
        assert not v.problems, v.problems
    finally:
        v.close()


def test_search_spelling_is_the_same_in_the_browser(disk):
    samples = ["দ্বিতী\u09df", "দ্বিতী\u09af\u09bc", "উত\u09cd\u200dসব", "ঢাকা। রাজশাহী",
               "Dhaka’s “METRO” rail-line", "soft\u00adhyphen", "র\u200d্যাব", "  two  spaces "]
    got = disk.page.evaluate("xs => xs.map(window.epaperCanon)", samples)
    assert got == [search_key(s) for s in samples]
