"""Lay out a whole edition: assign stories to slots, compose pages in order, carry jumps."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from epaper.diagnostics import Diagnostic, locate
from epaper.errors import Collector, ContentError
from epaper.layout.auto import AutoLayout, Rect, free_area, slot_rect
from epaper.layout.furniture import ad, folio, imprint, masthead
from epaper.layout.geometry import Region, region
from epaper.layout.log import LayoutLog
from epaper.layout.quality import Set, headline_caps, page_quality
from epaper.layout.story import Composed, Jump, StoryComposer
from epaper.layout.typeset import Typesetter
from epaper.model.edition import Block, Edition, PageSpec, Paper, Placement, Story
from epaper.model.frame import Box, Element, PageFrame
from epaper.model.template import PageTemplate, Shape, Slot, TemplateSet
from epaper.text.fonts import FontBook
from epaper.text.words import WordMaker

STORY_ROLES = ("story", "briefs")
PLACEABLE = STORY_ROLES + ("jumps", "photo")  # slots an edition may name for a story
PROOF = (0.0, 1.0, 0.0, 0.0)  # magenta: proof marks are for the desk, never for print


@dataclass(frozen=True)
class Continued:
    """A story's overflow waiting for its page."""

    story: Story
    slot: Slot
    from_page: int


@dataclass
class PageLayout:
    """One page laid out: its frame, what it tells the desk, and the overflow it sends on
    (story id → blocks still to set, for the page its placement continues on)."""

    frame: PageFrame
    log: LayoutLog
    overflow: dict[str, tuple[Block, ...]]


@dataclass
class PagePlan:
    spec: PageSpec
    template: PageTemplate
    stories: list[tuple[Placement, Slot]] = field(default_factory=list)
    incoming: list[tuple[Placement, int, Slot]] = field(default_factory=list)
    auto: list[tuple[Placement, tuple[Shape, ...]]] = field(default_factory=list)


def incoming_for(p: PagePlan, pending: dict[str, tuple[Block, ...]]
                 ) -> dict[str, tuple[Block, ...]]:
    """The overflow that lands on page `p`, out of all that earlier pages sent on."""
    return {pl.story.id: pending[pl.story.id] for pl, _from, _slot in p.incoming
            if pl.story.id in pending}


def sources_of(p: PagePlan) -> tuple[int, ...]:
    """The pages whose overflow jumps to `p`: it can only be laid out after them."""
    return tuple(sorted({from_page for _pl, from_page, _slot in p.incoming}))


def merge_logs(logs: list[LayoutLog], ed: Edition, tolerance: int) -> LayoutLog:
    """The edition's log from its pages' logs, in page order; then what only the whole
    edition shows: a story's foot is on the last page it reaches."""
    out = LayoutLog()
    for log in logs:
        out.absorb(log)
    ends = {s.id: s.blocks[-1].line for s in ed.stories if s.blocks}
    for entry in out.stories.values():
        # Every empty line at a story's foot is reported; past the template set's
        # tolerance it is a warning too.
        if entry.underset_lines > tolerance:
            out.warn(f"{entry.story}: {entry.underset_lines} empty lines at the foot "
                     f"of slot '{entry.slots[-1]}' on page {entry.pages[-1]}",
                     "W-underset", file=entry.file, line=ends.get(entry.story),
                     story=entry.story, page=entry.pages[-1],
                     hint="add copy or a photo, or give the story a smaller slot")
    return out


def paper_of(ed: Edition, tset: TemplateSet) -> Paper:
    base = Paper(**dict(tset.paper)) if tset.paper else Paper()
    return base.merged({k: v for k, v in ed.paper.__dict__.items()})


def unknown_template(ed: Edition, tset: TemplateSet, spec: PageSpec) -> ContentError:
    return ContentError(f"unknown page template {spec.template!r}", file=ed.source,
                        line=spec.template_line or spec.line or None,
                        field=f"pages[{spec.number - 1}].template",
                        hint=f"{tset.path.name} has: {', '.join(p.name for p in tset.pages)}")


def plan(ed: Edition, tset: TemplateSet) -> list[PagePlan]:
    """Check every page's template, slots and continuations; nothing is composed yet."""
    plans: list[PagePlan] = []
    for spec in ed.pages:
        tpl = tset.page(spec.template)
        if tpl is None:
            raise unknown_template(ed, tset, spec)
        plans.append(PagePlan(spec, tpl))
    reserved = {(pl.continue_to.page, pl.continue_to.slot) for spec in ed.pages
                for pl in spec.placements if pl.continue_to and pl.continue_to.slot}
    for p in plans:
        _assign(ed, p, {slot for page, slot in reserved if page == p.spec.number})
    for p in plans:
        for placement, _slot in p.stories:
            if placement.continue_to:
                _route(ed, plans, p, placement)
    for p in plans:
        for slot_name, _image in p.spec.ads:
            s = p.template.slot(slot_name)
            if s is None or s.role != "ad":
                raise ContentError(f"page {p.spec.number} has no ad slot {slot_name!r}",
                                   file=ed.source, line=p.spec.line or None,
                                   field=f"pages[{p.spec.number - 1}].ads",
                                   hint="ad slots: " + ", ".join(
                                       x.name for x in p.template.slots if x.role == "ad"))
    return plans


def _assign(ed: Edition, p: PagePlan, reserved: set[str | None]) -> None:
    """Named slots first; the rest fill free story slots in template order, skipping
    slots that a jump from an earlier page has claimed. A briefs slot stacks every story
    named to it, and takes unnamed stories once the story slots are full."""
    free = [s for s in p.template.slots if s.role in STORY_ROLES and s.name not in reserved]
    taken: set[str] = set()
    field_base = f"pages[{p.spec.number - 1}].stories"
    for placement in p.spec.placements:
        if placement.slot:
            s = p.template.slot(placement.slot)
            # A named slot may also be the jumps slot: on a day without jumps it takes a story.
            if s is None or s.role not in PLACEABLE:
                raise ContentError(
                    f"template {p.template.name!r} has no story slot {placement.slot!r}",
                    file=ed.source, line=placement.line or None, field=field_base,
                    hint="story slots: " + ", ".join(
                        x.name for x in p.template.slots if x.role in PLACEABLE))
            if s.name in taken and s.role != "briefs":
                raise ContentError(f"slot {s.name!r} is given two stories", file=ed.source,
                                   line=placement.line or None, field=field_base,
                                   hint="only a briefs slot stacks several stories")
            if s.role == "photo" and not placement.story.photos:
                raise ContentError(f"photo slot {s.name!r} needs a story with a photo",
                                   file=ed.source, line=placement.line or None,
                                   field=field_base, hint=f"{placement.story.path.name} has "
                                   "no photos: front matter")
            if s.role == "photo" and placement.story.blocks:
                raise ContentError(
                    f"photo slot {s.name!r} holds a photo and its caption, not body text",
                    file=placement.story.path, field="body",
                    hint="move the text into the photo's caption, or use a story slot")
            taken.add(s.name)
            p.stories.append((placement, s))
    if p.spec.auto:
        _assign_auto(ed, p)
        return
    for placement in p.spec.placements:
        if placement.shape:
            raise ContentError("shape: is for stories on an auto page", file=ed.source,
                               line=placement.line or None, field=field_base,
                               hint="give the page auto: true, or name a slot instead")
        if placement.slot:
            continue
        spare = [s for s in free if s.name not in taken and s.role == "story"]
        spare += [s for s in free if s.role == "briefs"]
        if not spare:
            raise ContentError(
                f"page {p.spec.number} ({p.template.name}) has more stories than story slots "
                f"({len(free)})", file=ed.source, line=placement.line or None,
                field=field_base, hint="move a story to another page or name its slot")
        taken.add(spare[0].name)
        p.stories.append((placement, spare[0]))


def _assign_auto(ed: Edition, p: PagePlan) -> None:
    """On an auto page every story without a slot gets the shapes it may take: its pinned
    shape, else those matching whether it has a photo; the first such story (the lead)
    takes the template's lead shapes where it has any, the others the rest."""
    where = dict(file=ed.source, field=f"pages[{p.spec.number - 1}].stories")
    shapes = p.template.shapes
    if not shapes:
        raise ContentError(f"page {p.spec.number} is auto but template {p.template.name!r} "
                           "declares no shapes", file=ed.source, line=p.spec.line or None,
                           field=f"pages[{p.spec.number - 1}].auto",
                           hint="add shapes: to the template set (README: Story shapes), "
                                "or lay the page out in slots")
    first = True
    for placement in p.spec.placements:
        if placement.slot:
            continue
        line = placement.line or None
        if placement.continue_to:
            raise ContentError("a story that continues on another page needs a slot on an "
                               "auto page", line=line, hint="name one of the template's "
                               "story slots for it: slot: NAME", **where)  # type: ignore[arg-type]
        story = placement.story
        if placement.shape:
            shape = p.template.shape(placement.shape)
            if shape is None:
                raise ContentError(f"template {p.template.name!r} has no shape "
                                   f"{placement.shape!r}", line=line,
                                   hint="shapes: " + ", ".join(x.name for x in shapes),
                                   **where)  # type: ignore[arg-type]
            allowed: tuple[Shape, ...] = (shape,)
        else:
            match = [x for x in shapes if x.with_photo == bool(story.photos)]
            lead = [x for x in match if x.lead]
            rest = [x for x in match if not x.lead]
            allowed = tuple((lead if first else rest) or match)
        if not allowed:
            kind = "with" if story.photos else "without"
            raise ContentError(f"template {p.template.name!r} has no shape for a story {kind} "
                               f"a photo ({story.id})", line=line,
                               hint="add one to shapes:, or pin the story's slot",
                               **where)  # type: ignore[arg-type]
        first = False
        p.auto.append((placement, allowed))


def _route(ed: Edition, plans: list[PagePlan], src: PagePlan, placement: Placement) -> None:
    cont = placement.continue_to
    assert cont is not None
    where = dict(file=ed.source, line=placement.line or None,
                 field=f"pages[{src.spec.number - 1}].stories")
    if cont.page <= src.spec.number:
        raise ContentError("a story can only continue on a later page", **where)  # type: ignore[arg-type]
    target = plans[cont.page - 1]
    if cont.slot:
        slot = target.template.slot(cont.slot)
        if slot is None or slot.role not in STORY_ROLES + ("jumps",):
            raise ContentError(f"page {cont.page} has no slot {cont.slot!r} for the jump",
                               **where)  # type: ignore[arg-type]
        if any(s.name == slot.name for _, s in target.stories):
            raise ContentError(f"slot {slot.name!r} on page {cont.page} already has a story",
                               **where)  # type: ignore[arg-type]
    else:
        jumps = [s for s in target.template.slots if s.role == "jumps"]
        if not jumps:
            raise ContentError(f"page {cont.page} has no jumps slot for the continuation",
                               hint="name a free slot: continue: {page: N, slot: NAME}",
                               **where)  # type: ignore[arg-type]
        slot = jumps[0]
    target.incoming.append((placement, src.spec.number, slot))


# The style that prints each paper field (the rest go to the imprint).
PAPER_STYLES = {"name": "masthead", "name_en": "folio", "tagline": "dateline",
                "price": "dateline", "volume": "dateline", "issue": "dateline"}


def check_coverage(ed: Edition, tset: TemplateSet, fonts: FontBook,
                   sink: Collector | None = None) -> None:
    """Every character of every story, page section and paper field must be in a font of
    the style that sets it. With a `sink`, every such character is recorded there (one
    per field or paragraph), not only the first."""
    guard = sink.guard if sink is not None else contextlib.nullcontext
    quote = next((s for s in tset.styles if s.name == "quote"), tset.style("body"))
    for k, page in enumerate(ed.pages):
        with guard():
            fonts.check_coverage(page.section, tset.style("folio").family,
                                 where=str(ed.source), field=f"pages[{k}].section")
    for name in ed.paper.__dataclass_fields__:  # the edition's own paper: overrides
        with guard():
            fonts.check_coverage(getattr(ed.paper, name), tset.style(PAPER_STYLES.get(
                name, "imprint")).family, where=str(ed.source), field=f"paper.{name}")
    for story in ed.stories:
        where = str(story.path)
        fields = [("headline", story.headline, "headline"), ("kicker", story.kicker, "kicker"),
                  ("subheadline", story.subheadline, "subheadline"),
                  ("byline", story.byline, "byline"), ("dateline", story.dateline, "byline"),
                  ("source", story.source, "byline")]
        for name, text, style in fields:
            with guard():
                fonts.check_coverage(text, tset.style(style).family, where=where, field=name)
        for i, photo in enumerate(story.photos):
            with guard():
                fonts.check_coverage(photo.caption, tset.style("caption").family, where=where,
                                     field=f"photos[{i}].caption")
            with guard():
                fonts.check_coverage(photo.credit, tset.style("credit").family, where=where,
                                     field=f"photos[{i}].credit")
        for block in story.blocks:
            family = (quote if block.kind == "quote" else tset.style("body")).family
            with guard():
                fonts.check_coverage(block.marker, family, where=where, line=block.line,
                                     field="body")
                for span in block.spans:
                    fonts.check_coverage(span.text, family, where=where, line=block.line,
                                         bold=span.bold, italic=span.italic)


class EditionLayout:
    """Lays out pages in order; a page only needs what earlier pages sent it (jumps)."""

    def __init__(self, ed: Edition, tset: TemplateSet, fonts: FontBook,
                 maker: WordMaker | None = None, *, proof: bool = False) -> None:
        self.ed = ed
        self.proof = proof
        self.tset = tset
        self.ts = Typesetter(maker or WordMaker(fonts))
        self.composer = StoryComposer(tset, self.ts)
        self.paper = paper_of(ed, tset)
        self.log = LayoutLog()
        # The story stacked last in each (page, slot): only its foot is the slot's foot.
        self._stack_last: dict[tuple[int, str], Story] = {}
        self._sets: list[tuple[Slot, str, Composed]] = []  # what the current page holds
        self._left: list[str] = []  # stories its auto layout left off

    def run(self) -> tuple[list[PageFrame], LayoutLog]:
        """Every page in order, each given the overflow that earlier pages sent it."""
        plans = plan(self.ed, self.tset)
        pending: dict[str, tuple[Block, ...]] = {}
        pages = []
        for p in plans:
            done = self.page(p, plans, incoming_for(p, pending))
            pending.update(done.overflow)
            pages.append(done)
        return ([done.frame for done in pages],
                merge_logs([done.log for done in pages], self.ed,
                           self.tset.underset_tolerance))

    def page(self, p: PagePlan, plans: list[PagePlan],
             incoming: dict[str, tuple[Block, ...]]) -> PageLayout:
        """One page, from its plan and the overflow that jumps into it (story id → the
        blocks still to set): a function of those alone, so pages can be laid out apart
        and each one's result kept by a key of its inputs."""
        self.log = LayoutLog()
        self._stack_last = {}
        self._sets = []
        self._left = []
        pending = dict(incoming)
        frame = self._page(p, plans, pending)
        overflow = {k: v for k, v in pending.items() if k not in incoming}
        return PageLayout(frame, self.log, overflow)

    def _page(self, p: PagePlan, plans: list[PagePlan],
              pending: dict[str, tuple[Block, ...]]) -> PageFrame:
        tpl = p.template
        stories = list(p.stories)
        if p.spec.auto:
            tpl, placed = self._auto(p)
            stories += placed
        els: list[Element] = [_fill(tpl, slot) for slot in tpl.slots if slot.fill]
        for slot in tpl.slots:
            reg = region(tpl, slot)
            if slot.role == "masthead":
                els += masthead(self.ts, self.tset, self.ed, self.paper, reg)
            elif slot.role == "folio":
                els += folio(self.ts, self.tset, self.ed, self.paper, p.spec, reg)
            elif slot.role == "imprint":
                els += imprint(self.ts, self.tset, self.ed, self.paper, reg)
            elif slot.role == "ad":
                els += self._ad(p, reg)
            if "right" in slot.rules:
                x = reg.box.x1 + tpl.grid.gutter / 2
                els.append(Element("rule", Box(x, reg.box.y0, x, reg.box.y1), slot=slot.name,
                                   stroke=(0, 0, 0, 1), stroke_width=0.4))
            if "bottom" in slot.rules:
                y = reg.row_top(reg.row_end) + tpl.grid.baseline / 2
                els.append(Element("rule", Box(reg.box.x0, y, reg.box.x1, y), slot=slot.name,
                                   stroke=(0, 0, 0, 1), stroke_width=0.4))
        cursor: dict[str, float] = {}
        for slot in tpl.slots:
            if slot.role == "briefs" and slot.title and any(s is slot for _, s in stories):
                reg = region(tpl, slot)
                el = self.composer.title(reg, self.ed.lang)
                cursor[slot.name] = el.box.y1 + tpl.grid.baseline * 0.5
                els.append(el)
        self._sets = []
        for placement, slot in stories:
            els += self._story(p, placement, slot, plans, pending, cursor, tpl)
        els += self._incoming(p, pending, cursor)
        self._quality(p, tpl, els)
        return PageFrame(p.spec.number, tpl.name, p.spec.section, tpl.width, tpl.height,
                         tpl.bleed, tuple(els), p.spec.mono)

    def _quality(self, p: PagePlan, tpl: PageTemplate, els: list[Element]) -> None:
        """The page's quality terms (report.json), from what was set on it."""
        last: dict[str, int] = {}
        for k, (slot, _sid, _r) in enumerate(self._sets):
            last[slot.name] = k
        sets = []
        for k, (slot, sid, r) in enumerate(self._sets):
            entry = self.log.stories[sid]
            overset = entry.overset_lines if r.overflow and entry.continued_to is None else 0
            sets.append(Set(sid, slot.name, slot.role, slot.span,
                            r.underset if last[slot.name] == k and not r.overflow else 0,
                            overset, r.headline_size))
        for sid in self._left:  # on no slot: it counts only as overset
            sets.append(Set(sid, "", "left-off", 0, 0, self.log.stories[sid].overset_lines,
                            0.0))
        holds = (s for s in tpl.slots if s.role in PLACEABLE)
        cells = {s.name: slot_rect(tpl, s).span * slot_rect(tpl, s).depth for s in holds}
        used = {slot.name for slot, _sid, _r in self._sets}
        available = sum(cells.values())
        uncovered = sum(v for name, v in cells.items() if name not in used)
        if p.spec.auto:
            area = self.log.pages[p.spec.number]
            available += int(area["free_cells"])  # type: ignore[call-overload]
            uncovered += int(area["uncovered_cells"])  # type: ignore[call-overload]
            available -= sum(v for name, v in cells.items() if name in area["auto_slots"])  # type: ignore[operator,misc]
        self.log.quality[p.spec.number] = page_quality(tpl, els, sets, available, uncovered)

    def _ad(self, p: PagePlan, reg: Region) -> list[Element]:
        from epaper.content.story import probe_image

        image = None
        for slot_name, path in p.spec.ads:
            if slot_name == reg.slot.name:
                size, digest = probe_image(path, self.ed.source, None, "ads")
                image = (path, size, digest)
        if image is None:
            self.log.warn(f"page {p.spec.number}: ad slot '{reg.slot.name}' has no ad and "
                          "prints an empty placeholder", "W-empty-ad",
                          file=str(self.ed.source), line=p.spec.line or None,
                          page=p.spec.number, field=f"pages[{p.spec.number - 1}].ads",
                          hint=f"give the page ads: [{{slot: {reg.slot.name}, file: …}}] "
                               "or use a template without the slot")
        els = ad(self.ts, self.tset, self.ed, reg, image)
        for el in els:
            if el.image is not None:
                self._ad_resolution(p, el.image.path, el.image.ppi)
        return els

    def _ad_resolution(self, p: PagePlan, path: Path, ppi: float) -> None:
        """An ad is checked like a photo, by its file's name, before the press sees it."""
        name = path.relative_to(self.ed.root).as_posix()
        if ppi < self.tset.floor_ppi:
            raise ContentError(f"ad {name} would print at {ppi:.0f} ppi, below the hard floor "
                               f"of {self.tset.floor_ppi:.0f} ppi", file=self.ed.source,
                               field=f"pages[{p.spec.number - 1}].ads", code="E-low-ppi",
                               line=p.spec.line or None, find=path.name,
                               hint="ask the advertiser for artwork at the slot's size")
        if ppi < self.tset.min_ppi:
            found = locate(self.ed.source, path.name, p.spec.line or 1)
            self.log.warn(f"page {p.spec.number}: ad {name} prints at {ppi:.0f} ppi "
                          f"(minimum {self.tset.min_ppi:.0f})", "W-low-ppi",
                          file=str(self.ed.source), line=found[0] if found else None,
                          col=found[1] if found else None, page=p.spec.number,
                          field=f"pages[{p.spec.number - 1}].ads",
                          hint="ask the advertiser for artwork at the slot's size")

    def _auto(self, p: PagePlan) -> tuple[PageTemplate, list[tuple[Placement, Slot]]]:
        """An auto page: the template keeps its furniture, its ads that have an ad today
        and the slots stories are pinned to; the rest of it goes to the search."""
        tpl = p.template
        named = {s.name for _pl, s in p.stories} | {s.name for _pl, _n, s in p.incoming}
        with_ad = {name for name, _path in p.spec.ads}
        kept = tuple(s for s in tpl.slots if s.role in ("masthead", "folio", "imprint")
                     or (s.role == "ad" and s.name in with_ad) or s.name in named)
        tpl = replace(tpl, slots=kept)
        area = free_area(tpl, [slot_rect(tpl, s) for s in kept])
        placements = [pl for pl, _shapes in p.auto]
        search = AutoLayout(self.composer, tpl, [pl.story for pl in placements],
                            [list(shapes) for _pl, shapes in p.auto], area)
        result = search.choose()
        if placements and not result.slots:
            raise ContentError(f"page {p.spec.number}: no layout of its stories fits the "
                               f"free area of template {p.template.name!r}",
                               file=self.ed.source, line=p.spec.line or None,
                               field=f"pages[{p.spec.number - 1}].stories",
                               hint="move a story to another page, or pin one's slot")
        covered = sum(slot_rect(tpl, s).span * slot_rect(tpl, s).depth
                      for _k, s in result.slots)
        self.log.pages[p.spec.number] = {
            "auto": True, "evaluations": result.evaluations,
            "layouts_composed": result.layouts_composed,
            "penalty": round(result.penalty, 2), "free_cells": area.cells(),
            "uncovered_cells": area.cells() - covered,
            "auto_slots": [s.name for _k, s in result.slots], "stories": result.explain}
        placed = {k for k, _s in result.slots}
        left = [k for k in range(len(placements)) if k not in placed]
        self.log.pages[p.spec.number]["left_off"] = [placements[k].story.id for k in left]
        for k in left:
            # Its lines are counted as its first shape would have set it, top of the area.
            shape = p.auto[k][1][0]
            rect = Rect(area.left, min(area.ceil), shape.spans[0], shape.max_depth)
            slot = search.slot(k, shape, rect, 999.0, False)
            self._left_off(p, placements[k].story, region(tpl, slot))
        tpl = replace(tpl, slots=kept + tuple(s for _k, s in result.slots))
        return tpl, [(placements[k], s) for k, s in result.slots]

    def _left_off(self, p: PagePlan, story: Story, reg: Region) -> None:
        """A story the auto page found no room for: every word of it overset, loudly
        (the report's words placed and the page's overset lines count it), never a story
        that silently is not there."""
        entry = self.log.story(story.id, str(story.path))
        entry.pages.append(p.spec.number)
        words = story.words()
        entry.overset_words += words
        entry.overset_lines += self.composer.count_lines(story, reg, story.blocks)
        self._left.append(story.id)
        found = locate(self.ed.source, story.path.name, p.spec.line or 1)
        self.log.warn(f"{story.id}: OVERSET — left off auto page {p.spec.number}: no room "
                      f"for it beside the stories ranked above it ({len(words)} words)",
                      "W-overset", file=str(self.ed.source),
                      line=found[0] if found else p.spec.line or None,
                      col=found[1] if found else None,
                      field=f"pages[{p.spec.number - 1}].stories", story=story.id,
                      page=p.spec.number,
                      hint="cut the page's stories, move this one to another page or "
                           "pin it a slot")

    def _story(self, p: PagePlan, placement: Placement, slot: Slot, plans: list[PagePlan],
               pending: dict[str, tuple[Block, ...]], cursor: dict[str, float],
               tpl: PageTemplate | None = None) -> list[Element]:
        story = placement.story
        reg = region(tpl or p.template, slot)
        if slot.role == "photo":
            result = self.composer.compose_photo(story, reg)
            self._record(p, story, slot, result)
            return result.elements
        if slot.role == "briefs":
            return self._stacked(p, placement, slot, cursor)
        jump = None
        if placement.continue_to:
            target = plans[placement.continue_to.page - 1]
            tslot = next(s for pl, _n, s in target.incoming if pl is placement)
            jump = Jump(placement.continue_to.page, tslot.col)
        result = self.composer.compose(story, reg, jump=jump)
        if slot.role == "story" and slot.headline and not p.spec.auto:
            result = self._clear_of_neighbours(story, reg, result, jump)
        self._record(p, story, slot, result)
        if result.overflow and jump is not None:
            pending[story.id] = result.overflow
            self.log.story(story.id, str(story.path)).continued_to = jump.page
        elif result.overflow:
            self._overset(story, result, reg)
            return result.elements + self._proof(story, reg, result)
        return result.elements

    def _clear_of_neighbours(self, story: Story, reg: Region, result: Composed,
                             jump: Jump | None) -> Composed:
        """A fixed page's story set again with a smaller headline where its own would be
        larger than one set higher on the page, or read as a tombstone beside one (slots
        side by side at one height with one headline range: the front page's fourth and
        fifth). The stories go in the page's order, so the earlier keeps its size. An
        auto page's search has capped its headlines already. The story set again is kept
        only if it does not overset more."""
        fit = reg.slot.headline
        if fit is None:
            return result
        others = [(list(r.elements), r.headline_size) for _s, _id, r in self._sets]
        found = headline_caps(reg.page, list(result.elements), result.headline_size, others)
        # A hierarchy the slot's range cannot keep is the template's (and its breach is
        # reported): followed to the range's foot, it made the front page's fourth and
        # fifth one size, a tombstone. A tombstone is avoided as far as the range goes.
        caps = [c for c, rule in found if rule == "tombstone" or c >= fit.min_size]
        if not caps:
            return result
        cap = max(min(caps), fit.min_size)
        if cap >= result.headline_size:
            return result
        slot = replace(reg.slot, headline=replace(fit, max_size=min(fit.max_size, cap)))
        again = self.composer.compose(story, region(reg.page, slot), jump=jump)
        return again if len(again.overflow) <= len(result.overflow) else result

    def _stacked(self, p: PagePlan, placement: Placement, slot: Slot,
                 cursor: dict[str, float], *, from_page: int = 0,
                 blocks: tuple[Block, ...] | None = None) -> list[Element]:
        """One of several stories stacked in a slot (briefs, jump pages): each starts a
        grid line below the one before it; what does not fit is overset."""
        reg = region(p.template, slot)
        top = cursor.get(slot.name, reg.box.y0)
        story = placement.story
        if top >= reg.box.y1 - p.template.grid.baseline:
            result = Composed(overflow=blocks if blocks is not None else story.blocks)
            self._record(p, story, slot, result)
            self._overset(story, result, reg, whole=True)
            return self._proof(story, reg, result)
        sub = _sub_region(reg, top)
        result = self.composer.compose(story, sub, from_page=from_page, blocks=blocks,
                                       grow=False)
        above = self._stack_last.get((p.spec.number, slot.name))
        if above is not None:  # what was the slot's foot is now this story's head
            self.log.story(above.id, str(above.path)).underset_lines = 0
        self._stack_last[(p.spec.number, slot.name)] = story
        self._record(p, story, slot, result)
        els = result.elements
        if result.overflow:
            self._overset(story, result, sub)
            els = els + self._proof(story, sub, result)
        bottom = max((e.box.y1 for e in result.elements), default=top)
        cursor[slot.name] = reg.row_top(reg.row_at_or_below(bottom)) + p.template.grid.baseline
        if slot.role == "briefs" and cursor[slot.name] < reg.box.y1:
            y = cursor[slot.name] - p.template.grid.baseline / 2
            els = els + [Element("rule", Box(reg.box.x0, y, reg.box.x1, y), story.id,
                                 slot.name, stroke=(0, 0, 0, 1), stroke_width=0.3)]
        return els

    def _incoming(self, p: PagePlan, pending: dict[str, tuple[Block, ...]],
                  cursor: dict[str, float]) -> list[Element]:
        els: list[Element] = []
        for placement, from_page, slot in p.incoming:
            blocks = pending.pop(placement.story.id, None)
            if not blocks:
                continue
            els += self._stacked(p, placement, slot, cursor, from_page=from_page,
                                 blocks=blocks)
        return els

    def _proof(self, story: Story, reg: Region, result: Composed) -> list[Element]:
        """On a proof, an overset story gets a magenta frame and a label the desk cannot miss."""
        if not self.proof:
            return []
        entry = self.log.story(story.id, str(story.path))
        label = self.composer.proof_label(reg, f"OVERSET {story.id}: "
                                               f"{len(entry.overset_words)} words / "
                                               f"{entry.overset_lines} lines")
        frame = Element("proof", reg.box, story.id, reg.slot.name, stroke=PROOF,
                        stroke_width=1.5)
        return [frame, label]

    def _record(self, p: PagePlan, story: Story, slot: Slot, result: Composed) -> None:
        self._sets.append((slot, story.id, result))
        entry = self.log.story(story.id, str(story.path))
        entry.pages.append(p.spec.number)
        entry.slots.append(slot.name)
        placed = [r for r in result.rows[:result.placed] if r.line is not None]
        entry.lines_set += len(placed)
        # Words as the story file counts them: a number kept with its unit is two, a word
        # broken over lines is one, counted where it ends.
        entry.words_placed += sum(len(w.word.text.split()) or 1 for r in placed if r.line
                                  for w in r.line.words if not w.word.joined)
        justified = [r.line for r in placed
                     if r.line and not r.line.last and r.style.align == "justify"
                     and any(not w.word.joined for w in r.line.words[:-1])]
        entry.line_ratios += [round(ln.ratio, 3) for ln in justified]
        # Judged on the ratio as reported, so the two lists never disagree.
        entry.loose_lines += [ln.text for ln in justified
                              if round(ln.ratio, 3) > self.tset.loose_ratio + 1e-9]
        # A justified line that could not be spread: one word and a hole after it.
        entry.lone_words += [r.line.text for r in placed
                             if r.line and not r.line.last and r.style.align == "justify"
                             and r.kind == "para" and not r.line.hyphenated
                             and all(w.word.joined for w in r.line.words[:-1])
                             and not r.line.words[-1].word.joined]
        entry.hyphenated_lines += sum(1 for r in placed if r.line and r.line.hyphenated)
        entry.widows_orphans_avoided += result.widows_orphans_avoided
        entry.widows_orphans_left += result.widows_orphans_left
        if result.headline_size:
            entry.headline_size = result.headline_size
        if not result.overflow:
            entry.underset_lines = result.underset
        for w in result.warnings:  # a bare message (no code) is a W-layout warning
            if isinstance(w, Diagnostic):
                self.log.add(replace(w, page=w.page or p.spec.number))
            else:
                self.log.warn(w, file=str(story.path), story=story.id, page=p.spec.number)

    def _overset(self, story: Story, result: Composed, reg: Region, whole: bool = False) -> None:
        entry = self.log.story(story.id, str(story.path))
        rest = result.rows[result.placed:]
        entry.overset_lines += len([r for r in rest if r.line is not None])
        if whole:  # nothing of it was even composed: count its lines at the slot's measure
            entry.overset_lines += self.composer.count_lines(story, reg, result.overflow)
        entry.overset_words += [w for b in result.overflow for w in b.text.split()]
        # The caret goes where the text stops fitting: the first word left over.
        first = result.overflow[0] if result.overflow else None
        found = locate(story.path, first.text.split()[0], first.line) \
            if first is not None and first.text.split() else None
        self.log.warn(f"{story.id}: OVERSET — {len(entry.overset_words)} words "
                      f"({entry.overset_lines} lines) did not fit in slot {entry.slots[-1]!r} "
                      f"on page {entry.pages[-1]}", "W-overset", file=str(story.path),
                      line=found[0] if found else (first.line if first else None),
                      col=found[1] if found else None, story=story.id, page=entry.pages[-1],
                      hint=f"cut {entry.overset_lines} lines, give it a bigger slot or "
                           f"continue it on another page; it ends: …"
                           f"{' '.join(entry.overset_words[-6:])}")


def _sub_region(reg: Region, top: float) -> Region:
    box = replace(reg.box, y0=top)
    return replace(reg, box=box, row0=reg.row_at_or_below(top))


def _fill(tpl: PageTemplate, slot: Slot) -> Element:
    """A slot's background tint; on edges the template marks, it runs out to the bleed."""
    b = region(tpl, slot).box
    x0 = -tpl.bleed if "left" in slot.bleed else b.x0
    y0 = -tpl.bleed if "top" in slot.bleed else b.y0
    x1 = tpl.width + tpl.bleed if "right" in slot.bleed else b.x1
    y1 = tpl.height + tpl.bleed if "bottom" in slot.bleed else b.y1
    return Element("fill", Box(x0, y0, x1, y1), slot=slot.name, fill=slot.fill)
