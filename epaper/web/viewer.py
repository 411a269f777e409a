"""The static viewer: index.html, its data file (data/edition.js) and its scripts, styles
and fonts under static/ — no CDN, nothing fetched, so it works from the folder itself.

The article map is embedded as a script (window.EPAPER), not fetched: a page opened
from file:// may not fetch() its JSON. The interface's words are in LABELS.
"""

from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from epaper.calendars import bn_digits

STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates")
VIEWER_FILES = ("viewer.js", "viewer.css", "article.css", "openseadragon/openseadragon.min.js",
                "openseadragon/LICENSE.txt", "openseadragon/README.md")
FONT_FILES = ("NotoSerifBengali-Regular.ttf", "NotoSerifBengali-Bold.ttf", "OFL.txt")

# The interface in the edition's language; {page}, {pages}, {n}, {q} are filled in.
LABELS: dict[str, dict[str, str]] = {
    "bn": {
        "epaper": "ই-পেপার",
        "pages": "পাতাসমূহ",
        "page_of": "পৃষ্ঠা {page} / {pages}",
        "on_page": "পৃষ্ঠা {page}",
        "prev": "আগের পাতা",
        "next": "পরের পাতা",
        "zoom_in": "বড় করুন",
        "zoom_out": "ছোট করুন",
        "zoom_home": "পুরো পাতা",
        "search": "খুঁজুন",
        "search_label": "এই সংস্করণে খুঁজুন",
        "search_placeholder": "খবর খুঁজুন…",
        "results_for": "খোঁজ: “{q}”",
        "results": "{n}টি খবর পাওয়া গেছে",
        "no_results": "কোনো খবর পাওয়া যায়নি",
        "close": "বন্ধ করুন",
        "download_page": "এই পাতা (PDF)",
        "download_edition": "পুরো সংস্করণ (PDF)",
        "continued_on": "বাকি অংশ পৃষ্ঠা {page}-এ",
        "continued_from": "পৃষ্ঠা {page} থেকে",
        "clipping": "ক্লিপিং",
        "clipping_of": "পৃষ্ঠা {page}-এর ক্লিপিং",
        "download_clipping": "ক্লিপিং নামান (পৃষ্ঠা {page})",
        "share": "শেয়ার করুন",
        "share_link": "এই খবরের লিংক",
        "copy_link": "লিংক কপি করুন",
        "copied": "কপি হয়েছে",
        "article_page": "খবরটি আলাদা পাতায় খুলুন",
        "photo": "ছবি",
        "not_all_printed": "ছাপা পাতায় জায়গা হয়নি এমন অংশসহ পুরো লেখা এখানে দেওয়া হলো।",
        "keys": "← → পাতা বদল · + − জুম · / খোঁজা · Esc বন্ধ",
        "articles": "এই সংস্করণের খবর",
        "back_to_epaper": "ই-পেপারে ফিরে যান",
        "read_on_page": "ই-পেপারে পড়ুন (পৃষ্ঠা {page})",
        "archive": "সব সংখ্যা",
        "n_pages": "{n} পৃষ্ঠা",
        "no_js": "পাতাগুলো দেখতে জাভাস্ক্রিপ্ট চালু করুন; নিচে প্রতিটি পাতার ছবি ও খবরের লিংক।",
    },
    "en": {
        "epaper": "e-paper",
        "pages": "Pages",
        "page_of": "Page {page} of {pages}",
        "on_page": "page {page}",
        "prev": "Previous page",
        "next": "Next page",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "zoom_home": "Whole page",
        "search": "Search",
        "search_label": "Search this edition",
        "search_placeholder": "Search the news…",
        "results_for": "Search: “{q}”",
        "results": "{n} articles found",
        "no_results": "Nothing found",
        "close": "Close",
        "download_page": "This page (PDF)",
        "download_edition": "Whole edition (PDF)",
        "continued_on": "Continued on page {page}",
        "continued_from": "Continued from page {page}",
        "clipping": "Clipping",
        "clipping_of": "Clipping from page {page}",
        "download_clipping": "Download the clipping (page {page})",
        "share": "Share",
        "share_link": "Link to this article",
        "copy_link": "Copy link",
        "copied": "Copied",
        "article_page": "Open the article on its own page",
        "photo": "Photo",
        "not_all_printed": "The full text, including what the printed page had no room for.",
        "keys": "← → turn pages · + − zoom · / search · Esc close",
        "articles": "Articles in this edition",
        "back_to_epaper": "Back to the e-paper",
        "read_on_page": "Read it in the e-paper (page {page})",
        "archive": "All issues",
        "n_pages": "{n} pages",
        "no_js": "Turn on JavaScript to page through; below, each page's image and its articles.",
    },
}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["bn"])


def num(value: int | str, lang: str) -> str:
    return bn_digits(value) if lang == "bn" else str(value)


def edition_title(edmap: dict[str, Any]) -> str:
    name = edmap["paper"].get("name") or edmap["paper"].get("name_en", "")
    return f"{name} — {labels(edmap['lang'])['epaper']} — {date_line(edmap)}"


def date_line(edmap: dict[str, Any]) -> str:
    d = edmap["dateline"]
    return f"{d['weekday']}, {d['gregorian']} | {d['bangla']} | {d['hijri']}"


def write_viewer(web: Path, edmap: dict[str, Any], fonts: Path | None) -> list[Path]:
    """index.html, data/edition.js and static/ into `web`; returns the files written."""
    lang = edmap["lang"]
    data = dict(edmap, ui=labels(lang), title=edition_title(edmap))
    out = [_write(web / "data" / "edition.js",
                  "window.EPAPER = " + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                  + ";\n"),
           _write(web / "index.html", index_html(edmap))]
    for name in VIEWER_FILES:
        out.append(_copy(STATIC / name, web / "static" / name))
    for name in FONT_FILES:
        if fonts is not None and (fonts / name).is_file():
            out.append(_copy(fonts / name, web / "static" / "fonts" / name))
    return out


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def index_html(edmap: dict[str, Any]) -> str:
    """The page the reader opens: masthead, toolbar and thumbnails written out (so that
    the page reads without JavaScript too), the rest filled in by static/viewer.js."""
    lang = edmap["lang"]
    words = {k: escape(v) for k, v in labels(lang).items()}
    paper = edmap["paper"]
    return template("index.html").substitute(
        words, lang=lang, title=escape(edition_title(edmap)),
        name=escape(paper.get("name") or paper.get("name_en", "")),
        date=escape(date_line(edmap)), first_pdf=edmap["pages"][0]["pdf"],
        edition_pdf=edmap["pdf"], thumbs="\n".join(_thumb(p, lang) for p in edmap["pages"]),
        fallback_pages="".join(_fallback_page(p, lang) for p in edmap["pages"]),
        fallback_articles="".join(f'<li><a href="{a["html"]}">{escape(a["headline"])}</a></li>'
                                  for a in edmap["articles"]))


def _thumb(p: dict[str, Any], lang: str) -> str:
    t = p["thumb"]
    section = f'<span class="section"> · {escape(p["section"])}</span>' if p["section"] else ""
    return (f'<a class="thumb" href="#page={p["number"]}" data-page="{p["number"]}">'
            f'<img src="{t["file"]}" width="{t["width"]}" height="{t["height"]}" alt="" '
            f'loading="lazy"><span>{num(p["number"], lang)}{section}</span></a>')


def _fallback_page(p: dict[str, Any], lang: str) -> str:
    """Without JavaScript: each page's reading image, as a link."""
    label = labels(lang)["on_page"].format(page=num(p["number"], lang))
    section = f" · {escape(p['section'])}" if p["section"] else ""
    return f'<li><a href="{p["image"]["file"]}">{escape(label)}{section}</a></li>'
