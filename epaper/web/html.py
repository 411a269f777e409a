"""One HTML page per article (web/articles/ID.html): the story as the desk wrote it, its
photos, its clipping, and schema.org NewsArticle JSON-LD with the print fields
(printEdition, printPage, printSection, printColumn), for readers without the viewer,
for search engines and for sharing.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from epaper.web.iiif import TIMEZONE
from epaper.web.viewer import date_line, labels, num, template


def article_jsonld(a: dict[str, Any], edmap: dict[str, Any], base: str) -> dict[str, Any]:
    paper = edmap["paper"]
    name = paper.get("name") or paper.get("name_en", "")
    edition = edmap["date"]
    if paper.get("volume") or paper.get("issue"):
        edition += " (" + ", ".join(p for p in (
            f"volume {paper['volume']}" if paper.get("volume") else "",
            f"issue {paper['issue']}" if paper.get("issue") else "") if p) + ")"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["headline"],
        "datePublished": f"{edmap['date']}T00:00:00{TIMEZONE}",
        "inLanguage": a["lang"],
        "printEdition": edition,
        "printPage": str(a["pages"][0]),
        "printSection": a["section"],
        "printColumn": str(a["column"]),
        "articleBody": "\n\n".join(b["text"] for b in a["text"]),
        "wordCount": a["words"],
        "publisher": {"@type": "Organization", "name": name},
        "isPartOf": {"@type": "PublicationIssue", "datePublished": edmap["date"],
                     "isPartOf": {"@type": "Periodical", "name": name}},
    }
    if paper.get("issue"):
        data["isPartOf"]["issueNumber"] = paper["issue"]
    if a["subheadline"]:
        data["alternativeHeadline"] = a["subheadline"]
    if a["kicker"]:
        data["articleSection"] = a["kicker"]
    if a["byline"]:
        data["author"] = {"@type": "Person", "name": a["byline"]}
    if a["source"]:
        data["sourceOrganization"] = {"@type": "Organization", "name": a["source"]}
    if a["dateline"]:
        data["dateline"] = a["dateline"]
    images = [f"{base}{p['image']['file']}" for p in a["photos"] if p.get("image")]
    if images:
        data["image"] = images
    if base:
        data["url"] = f"{base}{a['html']}"
        data["mainEntityOfPage"] = f"{base}{a['html']}"
    return data


def _jsonld_script(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Inside <script>, "</" would end the element early: JSON allows "<\/" for it.
    return text.replace("</", "<\\/")


def _byline(a: dict[str, Any]) -> str:
    line = ", ".join(p for p in (a["byline"], a["dateline"]) if p)
    if a["source"]:
        return f"{line} ({a['source']})" if line else a["source"]
    return line


def _block(b: dict[str, Any]) -> str:
    tag = {"subhead": "h2", "quote": "blockquote"}.get(b["kind"], "p")
    if "spans" in b:
        inner = ""
        for s in b["spans"]:
            text = escape(s["text"])
            if s.get("bold"):
                text = f"<strong>{text}</strong>"
            elif s.get("italic"):
                text = f"<em>{text}</em>"
            if s.get("link"):
                text = f'<a href="{escape(s["link"])}">{text}</a>'
            inner += text
    else:
        inner = escape(b["text"])
    if b.get("marker"):
        inner = f'<span class="marker">{escape(str(b["marker"]))}</span> {inner}'
    return f"<{tag}>{inner}</{tag}>"


def article_html(a: dict[str, Any], edmap: dict[str, Any], base: str = "") -> str:
    """The article's page; its links are relative to articles/ (the web folder's own)."""
    lang = edmap["lang"]
    t = labels(lang)
    paper = edmap["paper"]
    first = a["pages"][0]
    image = next((p["image"]["file"] for p in a["photos"] if p.get("image")),
                 a["regions"][0]["clip"]["file"] if a["regions"][0].get("clip") else "")
    summary = (a["subheadline"] or (a["text"][0]["text"] if a["text"] else ""))[:200]
    by = _byline(a)
    return template("article.html").substitute(
        article_lang=a["lang"], lang=lang, headline=escape(a["headline"]),
        name=escape(paper.get("name") or paper.get("name_en", "")), summary=escape(summary),
        og_image=(f'<meta property="og:image" content="{escape(base)}{image}">\n'
                  if image else ""),
        jsonld=_jsonld_script(article_jsonld(a, edmap, base)), first_page=first,
        date=escape(date_line(edmap)),
        kicker=f'<p class="kicker">{escape(a["kicker"])}</p>' if a["kicker"] else "",
        subheadline=(f'<p class="subheadline">{escape(a["subheadline"])}</p>'
                     if a["subheadline"] else ""),
        byline=f'<p class="byline">{escape(by)}</p>' if by else "",
        where=escape(f"{a['section']} · {t['on_page'].format(page=num(first, lang))}"),
        photos="".join(_photo(p, t) for p in a["photos"] if p.get("image") or p["caption"]),
        body="\n".join(_block(b) for b in a["text"]), clipping=escape(t["clipping"]),
        clips="".join(_clip(r, t, lang) for r in a["regions"] if r.get("clip")),
        viewer=escape(f"../index.html#page={first}&article={quote(a['id'])}"),
        read_on_page=escape(t["read_on_page"].format(page=num(first, lang))))


def _photo(p: dict[str, Any], t: dict[str, str]) -> str:
    img = ""
    if p.get("image"):
        im = p["image"]
        img = (f'<img src="../{im["file"]}" width="{im["width"]}" height="{im["height"]}" '
               f'alt="{escape(p["caption"] or t["photo"])}">')
    credit = f' <span class="credit">{escape(p["credit"])}</span>' if p["credit"] else ""
    return f"<figure>{img}<figcaption>{escape(p['caption'])}{credit}</figcaption></figure>"


def _clip(r: dict[str, Any], t: dict[str, str], lang: str) -> str:
    c = r["clip"]
    alt = escape(t["clipping_of"].format(page=num(r["page"], lang)))
    return (f'<figure class="clip"><a href="../{c["file"]}"><img src="../{c["file"]}" '
            f'width="{c["width"]}" height="{c["height"]}" alt="{alt}" loading="lazy"></a>'
            "</figure>")


def write_articles(web: Path, edmap: dict[str, Any], base: str = "") -> list[Path]:
    out = []
    for a in edmap["articles"]:
        path = web / a["html"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article_html(a, edmap, base), encoding="utf-8")
        out.append(path)
    return out
