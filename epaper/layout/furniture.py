"""Page furniture: the masthead with its three-calendar date line, folios, imprint, ads."""

from __future__ import annotations

from pathlib import Path

from epaper.calendars import bn_digits, masthead_dateline
from epaper.layout.geometry import Region, crop_for
from epaper.layout.typeset import Typesetter, place
from epaper.model.edition import Edition, PageSpec, Paper
from epaper.model.frame import Box, Element, Image, Line, PageFrame
from epaper.model.template import TemplateSet

RULE = (0.0, 0.0, 0.0, 1.0)
PLACEHOLDER = (0.0, 0.0, 0.0, 0.12)


def _line(ts: Typesetter, tset: TemplateSet, role: str, text: str, style_name: str,
          box: Box, baseline: float, lang: str, align: str, slot: str) -> Element:
    style = tset.style(style_name)
    lines = ts.set(text, style, box.width, lang, align=align)
    placed = place(lines, box.x0, baseline, style.leading, style)
    return Element(role, box, "", slot, placed)


def masthead(ts: Typesetter, tset: TemplateSet, ed: Edition, paper: Paper,
             reg: Region) -> list[Element]:
    b = reg.box
    name_style = tset.style("masthead")
    lead = reg.page.grid.baseline
    line_style = tset.style("dateline")
    lang = ed.lang
    els: list[Element] = []
    name_bottom = b.y1 - 2.6 * lead
    name_box = Box(b.x0, b.y0, b.x1, name_bottom)
    baseline = name_bottom - name_style.size * 0.32
    els.append(_line(ts, tset, "masthead", paper.name, "masthead", name_box, baseline, lang,
                     "center", reg.slot.name))
    if paper.tagline:
        tag_box = Box(b.x0, b.y0, b.x0 + b.width * 0.22, b.y0 + 2 * lead)
        els.append(_line(ts, tset, "tagline", paper.tagline, "dateline", tag_box,
                         b.y0 + line_style.size * 1.1, lang, "left", reg.slot.name))
    els.append(Element("rule", Box(b.x0, name_bottom + 1, b.x1, name_bottom + 1),
                       slot=reg.slot.name, stroke=RULE, stroke_width=1.2))
    d = masthead_dateline(ed.date, lang, ed.hijri_offset)
    left = f"{d.weekday}, {d.gregorian} | {d.bangla} | {d.hijri}"
    row_top = name_bottom + 0.2 * lead
    row_box = Box(b.x0, row_top, b.x0 + b.width * 0.68, row_top + lead)
    base = row_top + lead * 0.72
    els.append(_line(ts, tset, "dateline", left, "dateline", row_box, base, lang, "left",
                     reg.slot.name))
    right = _issue_line(paper, lang)
    if right:
        rbox = Box(b.x0 + b.width * 0.68, row_top, b.x1, row_top + lead)
        els.append(_line(ts, tset, "issue", right, "dateline", rbox, base, lang, "right",
                         reg.slot.name))
    bottom = row_top + lead * 1.1
    els.append(Element("rule", Box(b.x0, bottom, b.x1, bottom), slot=reg.slot.name,
                       stroke=RULE, stroke_width=0.6))
    return els


def _issue_line(paper: Paper, lang: str) -> str:
    parts = []
    if lang == "bn":
        if paper.volume:
            parts.append(f"বর্ষ {bn_digits(paper.volume)}")
        if paper.issue:
            parts.append(f"সংখ্যা {bn_digits(paper.issue)}")
        if paper.price:
            parts.append(f"মূল্য {bn_digits(paper.price)}")
    else:
        parts += [f"Vol {paper.volume}" if paper.volume else "",
                  f"No {paper.issue}" if paper.issue else "",
                  f"Price {paper.price}" if paper.price else ""]
    return " | ".join(p for p in parts if p)


def folio(ts: Typesetter, tset: TemplateSet, ed: Edition, paper: Paper, spec: PageSpec,
          reg: Region) -> list[Element]:
    b = reg.box
    lead = reg.page.grid.baseline
    lang = ed.lang
    d = masthead_dateline(ed.date, lang, ed.hijri_offset)
    number = bn_digits(spec.number) if lang == "bn" else str(spec.number)
    base = b.y0 + lead * 0.75
    third = b.width / 3
    boxes = [Box(b.x0 + k * third, b.y0, b.x0 + (k + 1) * third, b.y0 + lead) for k in range(3)]
    # Page numbers sit on the outside edge: left on even pages, right on odd ones.
    outer, inner = (0, 2) if spec.number % 2 == 0 else (2, 0)
    els = [
        _line(ts, tset, "folio", number, "folio", boxes[outer], base, lang,
              "left" if outer == 0 else "right", reg.slot.name),
        _line(ts, tset, "folio", paper.name, "folio", boxes[1], base, lang, "center",
              reg.slot.name),
        _line(ts, tset, "folio", ", ".join(p for p in (d.weekday + " " + d.gregorian,
                                                        spec.section) if p),
              "folio", boxes[inner], base, lang, "right" if inner == 2 else "left",
              reg.slot.name),
    ]
    rule_y = b.y0 + lead * 1.15
    els.append(Element("rule", Box(b.x0, rule_y, b.x1, rule_y), slot=reg.slot.name,
                       stroke=RULE, stroke_width=0.5))
    return els


def imprint(ts: Typesetter, tset: TemplateSet, ed: Edition, paper: Paper,
            reg: Region) -> list[Element]:
    b = reg.box
    lang = ed.lang
    if lang == "bn":
        bits = [f"সম্পাদক: {paper.editor}" if paper.editor else "",
                f"প্রকাশক: {paper.publisher}" if paper.publisher else "",
                paper.address, f"ফোন: {paper.phone}" if paper.phone else "", paper.web,
                paper.copyright]
    else:
        bits = [f"Editor: {paper.editor}" if paper.editor else "",
                f"Publisher: {paper.publisher}" if paper.publisher else "",
                paper.address, f"Phone: {paper.phone}" if paper.phone else "", paper.web,
                paper.copyright]
    text = " | ".join(x for x in bits if x)
    style = tset.style("imprint")
    lines = ts.set(text, style, b.width, lang, align="center")
    top = b.y0 + reg.page.grid.baseline * 0.4
    placed = place(lines, b.x0, top + style.size, style.leading, style)
    return [Element("rule", Box(b.x0, b.y0 + 1, b.x1, b.y0 + 1), slot=reg.slot.name,
                    stroke=RULE, stroke_width=0.5),
            Element("imprint", Box(b.x0, top, b.x1, top + len(lines) * style.leading + 2),
                    "", reg.slot.name, placed)]


def ad(ts: Typesetter, tset: TemplateSet, ed: Edition, reg: Region,
       image: tuple[Path, tuple[int, int], str] | None) -> list[Element]:
    b = reg.box
    if image is not None:
        path, size, digest = image
        crop = crop_for(size, b.width, b.height, (0.5, 0.5))
        ppi = (crop[2] - crop[0]) / (b.width / 72.0)
        return [Element("ad", b, "", reg.slot.name, image=Image(path, digest, crop, ppi))]
    label = "বিজ্ঞাপন" if ed.lang == "bn" else "Advertisement"
    style = tset.style("folio")
    lines = ts.set(label, style, b.width, ed.lang, align="center")
    mid = (b.y0 + b.y1) / 2
    return [Element("ad", b, "", reg.slot.name, place(lines, b.x0, mid, style.leading, style),
                    fill=PLACEHOLDER)]


def slug_line(ts: Typesetter, tset: TemplateSet, paper: Paper, day: object, frame: PageFrame,
              pages: int, variant: str, bleed: float) -> tuple[Line, ...]:
    """The line outside the bleed that tells the press what this plate is."""
    text = (f"{paper.name_en or paper.name}  {day.isoformat()}  page {frame.number}/"  # type: ignore[attr-defined]
            f"{pages}  {frame.section}  {frame.template}  {variant}  epaper")
    style = tset.style("credit")
    # Flush right, clear of the crop mark at the trim's corner: poppler reads a line
    # under the page's left columns between them and the next ones (inside a story),
    # and one ending at the bottom right after everything above and left of it.
    inset = 6.0
    lines = ts.set(text, style, frame.width - inset, "en", align="right")[:1]
    return place(lines, 0.0, frame.height + bleed + style.size * 1.6, style.leading, style)
