"""The archive (`epaper site OUT_ROOT`): one page listing every e-paper built under
OUT_ROOT, newest first with its front page, and a IIIF Collection of their manifests.

A desk builds each day into its own folder (`epaper build … --epaper -o OUT_ROOT/DATE`)
and runs `epaper site OUT_ROOT` to publish the rolling archive with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from epaper.errors import EpaperError
from epaper.web.edition import FORMAT
from epaper.web.iiif import collection
from epaper.web.viewer import labels, num, template


@dataclass(frozen=True)
class Built:
    """One built e-paper: its web folder relative to the archive root, and its map."""

    web: str  # "2026-12-07/web/"
    edmap: dict[str, Any]


def find_editions(root: Path) -> list[Built]:
    """Every OUT/web/edition.json up to two folders below `root`, newest date first."""
    found: list[Built] = []
    for pattern in ("*/web/edition.json", "*/*/web/edition.json"):
        for path in root.glob(pattern):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise EpaperError(f"cannot read the e-paper's article map: {exc}", file=path,
                                  hint="rebuild that edition with --epaper") from None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                continue  # not an e-paper we wrote (or from another version): leave it out
            rel = path.parent.relative_to(root).as_posix() + "/"
            found.append(Built(rel, data))
    found.sort(key=lambda b: (b.edmap["date"], b.web), reverse=True)
    return found


def write_site(root: Path, *, base_url: str = "", title: str = "") -> tuple[str, str]:
    """The archive page and the Collection, as text (the caller writes them whole)."""
    editions = find_editions(root)
    if not editions:
        raise EpaperError("no e-paper found (looked for */web/edition.json)", file=root,
                          hint="build editions into folders under it with "
                               "`epaper build EDITION -o OUT_ROOT/DATE --epaper`")
    newest = editions[0].edmap
    paper = newest["paper"]
    label = title or paper.get("name") or paper.get("name_en") or "epaper"
    coll = collection([dict(b.edmap, web=b.web) for b in editions], base_url, label)
    return archive_html(editions, label), json.dumps(coll, ensure_ascii=False, indent=1) + "\n"


def archive_html(editions: list[Built], label: str) -> str:
    lang = editions[0].edmap["lang"]
    t = labels(lang)
    return template("archive.html").substitute(
        lang=lang, title=escape(label), archive=escape(t["archive"]),
        fonts=f"{editions[0].web}static/fonts/",
        items="\n".join(_item(b, lang) for b in editions))


def _item(b: Built, lang: str) -> str:
    ed = b.edmap
    thumb = ""
    if ed["pages"]:
        th = ed["pages"][0]["thumb"]
        thumb = (f'<img src="{b.web}{th["file"]}" width="{th["width"]}" '
                 f'height="{th["height"]}" alt="" loading="lazy">')
    pages = labels(lang)["n_pages"].format(n=num(len(ed["pages"]), lang))
    name = escape(ed["paper"].get("name") or ed["paper"].get("name_en", ""))
    d = ed["dateline"]
    return (f'<li><a href="{b.web}index.html">{thumb}'
            f'<span class="d">{escape(d["weekday"])}, {escape(d["gregorian"])}</span>'
            f'<span class="n">{escape(d["bangla"])} · {escape(d["hijri"])}</span>'
            f'<span class="n">{name} · {escape(pages)}</span></a></li>')
