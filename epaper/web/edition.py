"""The article map (web/edition.json): the edition's pages and, for every article, where it
stands on each page it covers, how its jump links its parts, its photos and its full text.

Everything comes from the Edition (the desk's cleaned text) and the PageFrames (where
layout put each element), never from reading the PDFs back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from epaper.calendars import masthead_dateline
from epaper.model.edition import Block, Edition, Paper, Story
from epaper.model.frame import Box, Element, PageFrame
from epaper.model.template import TemplateSet
from epaper.web.images import Clip, PageImages, plan_page

FORMAT = "epaper-edition/1"
# The roles that make up an article's zone; rules and proof marks decorate it.
CONTENT_ROLES = ("kicker", "headline", "subheadline", "byline", "photo", "caption",
                 "credit", "body", "jumpline", "jumphead", "jumpfrom")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}")


@dataclass(frozen=True)
class Part:
    """An article on one page: its elements in one slot, and the box around them."""

    story: str
    page: int
    slot: str
    box: Box  # points from the page's top-left
    elements: tuple[Element, ...]
    clip: str  # clip name of the part's image

    def photos(self) -> list[Element]:
        return [el for el in self.elements if el.role == "photo"]


def file_stem(story_id: str) -> str:
    """A name for the story's files that any web host serves: the id itself when it is
    plain ASCII, else a stable name derived from it."""
    if _SAFE_ID.fullmatch(story_id):
        return story_id
    return "story-" + hashlib.sha1(story_id.encode("utf-8")).hexdigest()[:10]


def bbox(boxes: Sequence[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
               max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def article_parts(frame: PageFrame) -> list[Part]:
    """The articles of a page in the order layout placed them, one part per (story, slot)."""
    groups: dict[tuple[str, str], list[Element]] = {}
    for el in frame.elements:
        if el.story and el.role in CONTENT_ROLES:
            groups.setdefault((el.story, el.slot), []).append(el)
    parts: list[Part] = []
    seen: dict[str, int] = {}
    for (story, slot), els in groups.items():
        k = seen[story] = seen.get(story, -1) + 1  # a second slot on the same page
        name = f"{file_stem(story)}-p{frame.number:02d}" + (f"-{k + 1}" if k else "")
        parts.append(Part(story, frame.number, slot, bbox([e.box for e in els]), tuple(els),
                          name))
    return parts


def photo_clip(part: Part, k: int) -> str:
    return f"{part.clip}-photo{k + 1}"


def page_plan(frame: PageFrame) -> PageImages:
    """The page's images as the page task will write them (see images.plan_page)."""
    return plan_page(frame.number, frame.width, frame.height, page_clips(frame))


def page_clips(frame: PageFrame) -> tuple[Clip, ...]:
    """What the page task cuts out of its raster: each article part and each photo."""
    clips: list[Clip] = []
    for part in article_parts(frame):
        b = part.box
        clips.append(Clip(part.clip, (b.x0, b.y0, b.x1, b.y1)))
        for k, el in enumerate(part.photos()):
            clips.append(Clip(photo_clip(part, k), (el.box.x0, el.box.y0, el.box.x1,
                                                    el.box.y1)))
    return tuple(clips)


@dataclass(frozen=True)
class Links:
    """Where the bundle put the files a page links to, relative to the web folder."""

    edition_pdf: str = "pdf/edition.pdf"

    @staticmethod
    def page_pdf(number: int) -> str:
        return f"pdf/{number:02d}.pdf"

    @staticmethod
    def alto(number: int) -> str:
        return f"alto/{number:02d}.xml"

    @staticmethod
    def article_html(story_id: str) -> str:
        return f"articles/{file_stem(story_id)}.html"


class _Scale:
    """Points (top-left) to the reading image's pixels and to PDF user space."""

    def __init__(self, frame: PageFrame, images: PageImages) -> None:
        self.h = frame.height
        self.sx = images.reading.width / frame.width
        self.sy = images.reading.height / frame.height

    def px(self, b: Box) -> list[float]:
        return [round(b.x0 * self.sx, 1), round(b.y0 * self.sy, 1),
                round(b.x1 * self.sx, 1), round(b.y1 * self.sy, 1)]

    def pt(self, b: Box) -> list[float]:
        """As layout.json has it: PDF user space of the trimmed page, origin bottom-left."""
        return [round(b.x0, 2), round(self.h - b.y1, 2), round(b.x1, 2), round(self.h - b.y0, 2)]

    def zone(self, b: Box) -> dict[str, list[float]]:
        return {"px": self.px(b), "pt": self.pt(b)}


def edition_map(ed: Edition, frames: Sequence[PageFrame], images: Mapping[int, PageImages],
                paper: Paper, templates: TemplateSet, *, links: Links = Links()
                ) -> dict[str, Any]:
    """The whole article map, as written to web/edition.json and embedded in the viewer."""
    stories = {s.id: s for s in ed.stories}
    parts = {f.number: article_parts(f) for f in frames}
    scales = {f.number: _Scale(f, images[f.number]) for f in frames}
    order: list[str] = list(dict.fromkeys(p.story for f in frames for p in parts[f.number]))
    date = masthead_dateline(ed.date, "bn", ed.hijri_offset)
    return {
        "format": FORMAT,
        "date": ed.date.isoformat(),
        "lang": ed.lang,
        "paper": {k: v for k, v in paper.__dict__.items() if v},
        "dateline": {"weekday": date.weekday, "gregorian": date.gregorian,
                     "bangla": date.bangla, "hijri": date.hijri},
        "pdf": links.edition_pdf,
        "manifest": "manifest.json",
        "pages": [_page(f, images[f.number], parts[f.number], links) for f in frames],
        "articles": [_article(stories[sid], frames, parts, scales, images, templates, links)
                     for sid in order if sid in stories],
    }


def _page(frame: PageFrame, im: PageImages, parts: list[Part], links: Links
          ) -> dict[str, Any]:
    s = im.service
    return {
        "number": frame.number,
        "section": frame.section,
        "template": frame.template,
        "width_pt": round(frame.width, 2),
        "height_pt": round(frame.height, 2),
        "image": _file(s.max),
        "thumb": _file(im.thumb),
        "zoom": {"id": s.folder, "info": f"{s.folder}/info.json", "width": s.width,
                 "height": s.height, "tile": s.tile, "scale_factors": list(s.scale_factors)},
        "pdf": links.page_pdf(frame.number),
        "alto": links.alto(frame.number),
        "articles": list(dict.fromkeys(p.story for p in parts)),
    }


def _file(f: Any) -> dict[str, Any]:
    return {"file": f.file, "width": f.width, "height": f.height}


def _article(story: Story, frames: Sequence[PageFrame], parts: Mapping[int, list[Part]],
             scales: Mapping[int, _Scale], images: Mapping[int, PageImages],
             templates: TemplateSet, links: Links) -> dict[str, Any]:
    mine = [p for f in frames for p in parts[f.number] if p.story == story.id]
    frame_of = {f.number: f for f in frames}
    first = mine[0]
    tpl = templates.page(frame_of[first.page].template)
    column = 1
    if tpl is not None:
        pitch = tpl.column_width + tpl.grid.gutter
        column = 1 + max(0, round((first.box.x0 - tpl.margin_left) / pitch))
    regions = []
    for p in mine:
        im = images[p.page]
        clip = im.clip(p.clip)
        regions.append({"page": p.page, "slot": p.slot, **scales[p.page].zone(p.box),
                        "clip": dict(_file(clip), box=list(im.clip_box(p.clip)))
                        if clip else None})
    return {
        "id": story.id,
        "lang": story.lang,
        "kicker": story.kicker,
        "headline": story.headline,
        "subheadline": story.subheadline,
        "byline": story.byline,
        "dateline": story.dateline,
        "source": story.source,
        "pages": list(dict.fromkeys(p.page for p in mine)),
        "section": frame_of[first.page].section,
        "column": column,
        "regions": regions,
        "jumps": _jumps(mine, scales),
        "photos": _photos(story, mine, scales, images),
        "text": [_block(b) for b in story.blocks],
        "words": len(story.words()),
        "printed_words": sum(_printed_words(el) for p in mine for el in p.elements
                             if el.role == "body"),
        "html": links.article_html(story.id),
    }


def _jumps(mine: list[Part], scales: Mapping[int, _Scale]) -> list[dict[str, Any]]:
    """Each jump as one link with both ends: the break line ("continued on page 2") on
    one page, the continuation's head ("continued from page 1") on the other."""
    out = []
    for a, b in zip(mine, mine[1:], strict=False):
        line = [el for el in a.elements if el.role == "jumpline"]
        head = [el for el in b.elements if el.role in ("jumphead", "jumpfrom")]
        if not line or b.page == a.page:
            continue
        out.append({"from_page": a.page, "from": scales[a.page].zone(line[0].box),
                    "to_page": b.page,
                    "to": scales[b.page].zone(bbox([el.box for el in head])) if head else None})
    return out


def _photos(story: Story, mine: list[Part], scales: Mapping[int, _Scale],
            images: Mapping[int, PageImages]) -> list[dict[str, Any]]:
    """The story's photos with caption and credit: printed ones with their clipping and
    place, the rest (a slot with no room for them) by caption only."""
    printed: dict[int, dict[str, Any]] = {}
    for part in mine:
        for k, el in enumerate(part.photos()):
            idx = next((i for i, ph in enumerate(story.photos)
                        if el.image is not None and ph.path == el.image.path), None)
            if idx is None or idx in printed:
                continue
            clip = images[part.page].clip(photo_clip(part, k))
            printed[idx] = {"page": part.page, **scales[part.page].zone(el.box),
                            **({"image": _file(clip)} if clip else {})}
    return [{"caption": ph.caption, "credit": ph.credit, "printed": i in printed,
             **printed.get(i, {})} for i, ph in enumerate(story.photos)]


def _block(b: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": b.kind, "text": b.text}
    if any(s.bold or s.italic or getattr(s, "link", "") for s in b.spans):
        out["spans"] = [{"text": s.text, **({"bold": True} if s.bold else {}),
                         **({"italic": True} if s.italic else {}),
                         **({"link": s.link} if getattr(s, "link", "") else {})}
                        for s in b.spans]
    for extra in ("marker", "depth"):  # list items, when the desk interface lands
        if getattr(b, extra, None):
            out[extra] = getattr(b, extra)
    return out


def _printed_words(el: Element) -> int:
    """Words as the story file counts them (layout's own rule): a number kept with its
    unit is two, a word broken over lines one, counted where it ends."""
    return sum(len(w.word.text.split()) or 1 for ln in el.lines for w in ln.words
               if not w.word.joined)
