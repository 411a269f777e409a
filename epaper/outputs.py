"""The JSON outputs: layout.json (every placed element) and report.json (per story)."""

from __future__ import annotations

from typing import Any

from epaper.layout.log import LayoutLog
from epaper.model.edition import Edition
from epaper.model.frame import Box, Line, PageFrame


def _pdf_box(box: Box, page_h: float) -> list[float]:
    """Top-down layout box to PDF user space of the trimmed page (origin bottom left)."""
    return [round(box.x0, 2), round(page_h - box.y1, 2), round(box.x1, 2),
            round(page_h - box.y0, 2)]


def layout_json(ed: Edition, pages: list[dict[str, Any]]) -> dict[str, Any]:
    """layout.json from each page's entry (page_json)."""
    return {"edition": ed.date.isoformat(), "units": "pt",
            "coordinates": "PDF user space of the trimmed page: origin bottom-left, y up",
            "pages": pages}


def page_json(ed: Edition, f: PageFrame, log: LayoutLog | None = None) -> dict[str, Any]:
    """One page's entry in layout.json: every element, its box and its lines; for an
    auto page (`log` has it), which shape and place each story got and why."""
    elements = []
    for el in f.elements:
        item: dict[str, Any] = {"page": f.number, "story": el.story or None,
                                "role": el.role, "slot": el.slot,
                                "box": _pdf_box(el.box, f.height)}
        if el.column:
            item["column"] = el.column
        if el.image is not None:
            item["image"] = {"file": el.image.path.relative_to(ed.root).as_posix()
                             if el.image.path.is_relative_to(ed.root) else el.image.path.name,
                             "crop": [round(c, 1) for c in el.image.crop],
                             "ppi": round(el.image.ppi, 1)}
        if el.lines:
            item["lines"] = [_line(ln, f.height) for ln in el.lines]
        elements.append(item)
    page: dict[str, Any] = {"number": f.number, "template": f.template,
                            "section": f.section, "width": round(f.width, 2),
                            "height": round(f.height, 2), "elements": elements}
    if log is not None and f.number in log.pages:
        page["auto"] = {k: v for k, v in log.pages[f.number].items() if k != "auto"}
    return page


def report_json(ed: Edition, pages: list[dict[str, Any]], log: LayoutLog) -> dict[str, Any]:
    """report.json: per story, the summary and every warning (`pages`: layout.json's)."""
    stories: dict[str, Any] = {}
    for story in ed.stories:
        entry = log.stories.get(story.id)
        if entry is None:
            continue
        stories[story.id] = {
            "file": story.path.relative_to(ed.root).as_posix(),
            "lang": story.lang,
            "pages": entry.pages,
            "slots": entry.slots,
            "words": len(story.words()),
            "words_placed": entry.words_placed,
            "lines_set": entry.lines_set,
            "overset_lines": entry.overset_lines,
            "overset_words": entry.overset_words,
            "overset_text": entry.overset_text,
            "underset_lines": entry.underset_lines,
            "headline_size": entry.headline_size,
            "continued_to": entry.continued_to,
            "word_space_ratios": entry.line_ratios,
            "hyphenated_lines": entry.hyphenated_lines,
            "loose_lines": entry.loose_lines,
            "lone_word_lines": entry.lone_words,
            "widows_orphans_avoided": entry.widows_orphans_avoided,
            "widows_orphans_left": entry.widows_orphans_left,
            "cleanup": [{"line": c.line, "field": c.field, "rule": c.rule, "count": c.count}
                        for c in story.cleanups],
        }
    overset = [k for k, v in stories.items() if v["overset_words"]]
    return {
        "edition": ed.date.isoformat(),
        "pages": [{"number": f["number"], "template": f["template"], "section": f["section"],
                   "file": f"pages/{f['number']:02d}.pdf", "auto": f["number"] in log.pages,
                   "quality": log.quality.get(f["number"], {})} for f in pages],
        "summary": {"pages": len(pages), "stories": len(stories),
                    "words": sum(v["words"] for v in stories.values()),
                    "words_placed": sum(v["words_placed"] for v in stories.values()),
                    "overset_stories": overset, "warnings": len(log.warnings),
                    "typography": _typography(stories)},
        "stories": stories,
        # Each warning a record: code, message, file, line, col, story, page, hint, …
        "warnings": [w.to_json() for w in log.warnings],
    }


def _typography(stories: dict[str, Any]) -> dict[str, Any]:
    """The edition's justification at a glance: word-space ratios of justified lines
    (paragraph-last lines excluded), hyphenated and loose lines, lines that hold one word
    alone (no space to spread: they are not in the ratios), widows and orphans."""
    ratios = sorted(r for v in stories.values() for r in v["word_space_ratios"])
    n = len(ratios)
    pick = (lambda q: round(ratios[min(n - 1, int(q * n))], 3)) if n else (lambda q: None)
    return {"justified_lines": n, "ratio_p50": pick(0.5), "ratio_p95": pick(0.95),
            "ratio_max": ratios[-1] if n else None,
            "hyphenated_lines": sum(v["hyphenated_lines"] for v in stories.values()),
            "loose_lines": sum(len(v["loose_lines"]) for v in stories.values()),
            "lone_word_lines": sum(len(v["lone_word_lines"]) for v in stories.values()),
            "widows_orphans_avoided": sum(v["widows_orphans_avoided"] for v in stories.values()),
            "widows_orphans_left": sum(len(v["widows_orphans_left"]) for v in stories.values())}


def _line(ln: Line, page_h: float) -> dict[str, Any]:
    out: dict[str, Any] = {"text": ln.text, "baseline": round(page_h - ln.baseline, 2),
                           "x0": round(ln.x0, 2), "width": round(ln.width, 2)}
    if ln.scale != 1.0:
        out["scale"] = ln.scale  # its glyphs' horizontal scale (font expansion)
    if ln.words and ln.words[-1].word.joined:
        # The last word continues on the next line: "hyphen" (a hyphen was added), "dash"
        # (at the word's own hyphen or dash) or "break" (too wide for the column).
        last = ln.words[-1].word
        out["continues"] = "hyphen" if last.hyphen else "break" if last.forced else "dash"
    return out
