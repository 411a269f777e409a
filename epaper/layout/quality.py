"""A page's quality, measured on what was composed: fill, white, grid, overset, conventions."""

from __future__ import annotations

from dataclasses import dataclass

from epaper.layout.geometry import BASELINE_IN_ROW
from epaper.model.frame import Element
from epaper.model.template import PageTemplate

TOMB_RATIO = 0.85  # headlines closer in size than this look alike
TOMB_LINES = 3  # first baselines within this many grid lines read as one height
STACK_LINES = 6  # a photo this close under another (grid lines) reads as stacked
TOMB_CAP = 0.8  # a headline beside another at its height is kept this much smaller


@dataclass(frozen=True)
class Set:
    """One story as set in one slot of the page."""

    story: str
    slot: str
    role: str  # the slot's role
    span: int  # grid columns
    underset: int  # empty grid lines at the slot's foot (0 when stacked above another)
    overset: int  # lines that did not fit
    headline: float  # size, pt


def page_quality(tpl: PageTemplate, elements: list[Element], sets: list[Set],
                 available: int, uncovered: int) -> dict[str, object]:
    """Terms of the page's quality and a score out of 100.

    available: grid cells (one column by one line) stories may fill on this page (an
    auto page's free area, or a fixed page's story slots); uncovered: those of them no
    story was given. White is uncovered cells plus each story's empty lines at its
    slot's foot across its span; fill ratio = 1 - white / available.
    """
    white = uncovered + sum(s.underset * s.span for s in sets)
    fill = 1.0 - white / available if available else 1.0
    heads = {e.story: e for e in elements if e.role == "headline" and e.story}
    sizes = {s.story: s.headline for s in sets if s.role == "story"}
    tops: dict[str, float] = {}
    for e in elements:  # a story starts at its kicker, if it has one
        if e.story and e.role in ("kicker", "headline"):
            tops[e.story] = min(tops.get(e.story, e.box.y0), e.box.y0)
    hierarchy = _hierarchy(tpl, tops, sizes)
    tombstones = _tombstones(tpl, heads, sizes)
    stacked = _stacked(tpl, [e for e in elements if e.role == "photo"])
    overset = sum(s.overset for s in sets)
    on_grid, lines = _grid(tpl, elements)
    score = 100.0 * max(0.0, fill) - 10.0 * (len(hierarchy) + len(tombstones)
                                             + len(stacked)) - overset
    return {
        "score": round(score, 1),
        "fill_ratio": round(fill, 4),
        "available_cells": available,
        "white_cells": white,
        "underset_lines": {s.story: s.underset for s in sets if s.underset},
        "grid_alignment": round(on_grid / lines, 4) if lines else 1.0,
        "overset_lines": overset,
        "hierarchy_violations": hierarchy,
        "tombstones": tombstones,
        "stacked_photos": stacked,
    }


def _hierarchy(tpl: PageTemplate, tops: dict[str, float],
               sizes: dict[str, float]) -> list[str]:
    """A headline larger than that of a story that starts higher on the page."""
    lead = tpl.grid.baseline
    out = []
    for a, ya in tops.items():
        for b, yb in tops.items():
            if a in sizes and b in sizes and ya < yb - lead / 2 and (
                    sizes[b] > sizes[a] + 0.01):
                out.append(f"{b} ({sizes[b]:g}pt) is below {a} ({sizes[a]:g}pt)")
    return sorted(out)


def _first_baseline(e: Element) -> float:
    return e.lines[0].baseline if e.lines else e.box.y0


def _tombstones(tpl: PageTemplate, heads: dict[str, Element],
                sizes: dict[str, float]) -> list[str]:
    """Side-by-side headlines at about one height and one size."""
    out = []
    items = sorted(heads.items())
    for i, (a, ea) in enumerate(items):
        for b, eb in items[i + 1:]:
            if a not in sizes or b not in sizes:
                continue
            if _level_beside(tpl, ea, eb) and _alike(sizes[a], sizes[b]):
                out.append(f"{a} and {b} ({sizes[a]:g}/{sizes[b]:g}pt)")
    return out


def _level_beside(tpl: PageTemplate, ea: Element, eb: Element) -> bool:
    """Two headlines side by side, their first baselines at about one height."""
    gap = tpl.grid.gutter + 1
    beside = abs(ea.box.x1 - eb.box.x0) <= gap or abs(eb.box.x1 - ea.box.x0) <= gap
    level = abs(_first_baseline(ea) - _first_baseline(eb)) < TOMB_LINES * tpl.grid.baseline
    return beside and level


def _alike(a: float, b: float) -> bool:
    return min(a, b) / max(a, b) > TOMB_RATIO


def headline_caps(tpl: PageTemplate, mine: list[Element], size: float,
                  others: list[tuple[list[Element], float]]) -> list[tuple[float, str]]:
    """The largest headline a story may have beside and below the stories already set
    (each as its elements and headline size), per rule its own size breaks: no larger
    than any that starts higher on the page ("hierarchy"), and a fifth smaller than one
    it would read as a tombstone beside ("tombstone")."""
    head = next((e for e in mine if e.role == "headline"), None)
    if head is None:
        return []
    top = _top(mine)
    caps = []
    for els, s in others:
        other = next((e for e in els if e.role == "headline"), None)
        if other is None:
            continue
        if _level_beside(tpl, head, other) and _alike(size, s):
            caps.append((float(int(s * TOMB_CAP)), "tombstone"))
        if _top(els) < top - tpl.grid.baseline / 2 and size > s + 0.01:
            caps.append((s, "hierarchy"))
    return caps


def _top(els: list[Element]) -> float:
    """Where a story starts: its kicker, or its headline (as the hierarchy is judged)."""
    return min(e.box.y0 for e in els if e.role in ("kicker", "headline"))


def _stacked(tpl: PageTemplate, photos: list[Element]) -> list[str]:
    """Two stories' photos one right under the other, or butting side by side."""
    lead, gutter = tpl.grid.baseline, tpl.grid.gutter
    out = []
    for i, a in enumerate(photos):
        for b in photos[i + 1:]:
            if a.story == b.story:
                continue
            across = a.box.x0 < b.box.x1 - 1 and b.box.x0 < a.box.x1 - 1
            upper, lower = (a, b) if a.box.y0 <= b.box.y0 else (b, a)
            under = across and 0 <= lower.box.y0 - upper.box.y1 < STACK_LINES * lead
            down = a.box.y0 < b.box.y1 - 1 and b.box.y0 < a.box.y1 - 1
            overlap = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)
            butting = down and overlap > 0.5 * min(a.box.height, b.box.height) and (
                abs(a.box.x1 - b.box.x0) <= 1.5 * gutter or abs(b.box.x1 - a.box.x0)
                <= 1.5 * gutter)
            if under:
                out.append(f"{a.story} and {b.story}")
            elif butting:
                out.append(f"{a.story} and {b.story} (side by side)")
    return out


def _grid(tpl: PageTemplate, elements: list[Element]) -> tuple[int, int]:
    """Body lines whose baseline sits on the baseline grid, of all body lines."""
    lead = tpl.grid.baseline
    ok = n = 0
    for e in elements:
        if e.role != "body":
            continue
        for ln in e.lines:
            n += 1
            rel = (ln.baseline - tpl.margin_top) / lead - BASELINE_IN_ROW
            ok += abs(rel - round(rel)) * lead < 0.01
    return ok, n
