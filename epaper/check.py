"""Load and check an edition in one pass, finding every error that can be found before
giving up: files, fields, template set, fonts, slots and font coverage.

Each stage checks what the stages before it could read: a story that cannot be read is
left out of the slot checks (its page would only give misleading errors) but every
other story is still checked, and a broken template set still lets every story file be
read. All errors go out together, as one EpaperError carrying them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from epaper.content.edition import Draft, read_edition
from epaper.diagnostics import Diagnostic
from epaper.errors import Collector
from epaper.layout.edition import check_coverage, plan, unknown_template
from epaper.model.edition import Edition
from epaper.model.template import TemplateSet
from epaper.templates.loader import fonts_dir, load_template_set
from epaper.text.fonts import FontBook


@dataclass
class Loaded:
    edition: Edition
    templates: TemplateSet
    fonts: FontBook
    warnings: list[Diagnostic] = field(default_factory=list)  # found while loading


def load(edition_dir: str | Path) -> Loaded:
    """Read and validate everything an edition needs, without composing a line; raises
    an EpaperError that carries every error found."""
    sink = Collector()
    draft = read_edition(Path(edition_dir), sink)
    tset = fonts = None
    if draft is not None and draft.layout_ok:
        tset, fonts = _templates(draft, sink)
    if draft is not None and tset is not None and fonts is not None:
        _slots(draft, tset, sink)
        check_coverage(draft.edition, tset, fonts, sink)
        _empty_pages(draft, tset, sink)
    sink.check()
    assert draft is not None and tset is not None and fonts is not None
    return Loaded(draft.edition, tset, fonts, sink.warnings)


def _templates(draft: Draft, sink: Collector) -> tuple[TemplateSet | None, FontBook | None]:
    ed = draft.edition
    with sink.guard():
        tset = load_template_set(ed.layout)
        if ed.profile is not None:
            tset = replace(tset, print=replace(tset.print, profile=ed.profile))
        fonts = FontBook(fonts_dir(ed.layout))
        for style in tset.styles:  # the loader checked the families: their faces must open
            fonts.stack(style.family, style.bold, style.italic)
        return tset, fonts
    return None, None


def _slots(draft: Draft, tset: TemplateSet, sink: Collector) -> None:
    """Templates, slots and continuations of the pages whose entries could all be read."""
    ed = draft.edition
    # A page's template name is its own matter: reported for every page, whatever else
    # is wrong, and such a page is then left out like one that lost a story.
    broken = set(draft.broken_pages)
    for page in ed.pages:
        if tset.page(page.template) is None:
            sink.add(unknown_template(ed, tset, page))
            broken.add(page.number)
    if broken:
        # A page that lost a story would be checked against the wrong stories; a jump
        # into or out of it too. Check the others only when nothing refers across.
        keep = tuple(p for p in ed.pages if p.number not in broken)
        if any(pl.continue_to for p in ed.pages for pl in p.placements):
            return
        ed = replace(ed, pages=keep)
    with sink.guard():
        plan(ed, tset)


def _empty_pages(draft: Draft, tset: TemplateSet, sink: Collector) -> None:
    """A page with no story, no ad and nothing continued onto it prints only its folio: a
    page of the plan was forgotten, most likely."""
    ed = draft.edition
    incoming = {pl.continue_to.page for p in ed.pages for pl in p.placements
                if pl.continue_to}
    for page in ed.pages:
        if page.placements or page.ads or page.number in incoming \
                or page.number in draft.broken_pages:
            continue
        tpl = tset.page(page.template)
        if tpl is not None and not any(s.role in ("story", "briefs", "photo", "ad", "jumps")
                                       for s in tpl.slots):
            continue  # a template of furniture only is meant to be so
        sink.warn(Diagnostic(
            "warning", "W-empty-page", f"page {page.number} ({page.template}) has no "
            "stories and no ads: it prints empty", str(ed.source), page.line or None,
            field=f"pages[{page.number - 1}]", page=page.number,
            hint="give it stories: (or ads:), or take the page out"))
