"""Load a template set: millimetres and grid lines in YAML, points in the TemplateSet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from epaper.errors import TemplateError
from epaper.model.template import (
    SLOT_ROLES,
    Grid,
    HeadlineFit,
    PageTemplate,
    PhotoSpec,
    PrintSpec,
    Slot,
    Style,
    TemplateSet,
)
from epaper.units import parse_length
from epaper.yamlio import Located, load_yaml, read_text

PAGE_KEYS = {"extends", "width", "height", "margins", "bleed", "columns", "gutter", "baseline",
             "slots"}
SLOT_KEYS = {"role", "col", "span", "top", "height", "columns", "headline", "photo", "rules",
             "headline_style", "title", "bleed", "fill"}
RULE_EDGES = ("top", "bottom", "left", "right", "columns")
EDGES = ("top", "bottom", "left", "right")
STYLE_KEYS = {"family", "size", "leading", "bold", "italic", "color", "align", "indent",
              "hyphenate"}
REQUIRED_STYLES = ("headline", "kicker", "subheadline", "byline", "body", "subhead", "caption",
                   "credit", "folio", "imprint", "masthead", "dateline", "jumpline")


class _Ctx:
    def __init__(self, meta: Located) -> None:
        self.meta = meta

    def error(self, message: str, *path: object, hint: str | None = None) -> TemplateError:
        field = ".".join(str(p) for p in path) if path else None
        return TemplateError(message, file=self.meta.file, line=self.meta.line(*path),
                             field=field, hint=hint)

    def length(self, value: object, unit: str, *path: object) -> float:
        try:
            return parse_length(value, unit)
        except ValueError as exc:
            raise self.error(str(exc), *path) from None


def load_template_set(path: Path) -> TemplateSet:
    meta = load_yaml(read_text(path, TemplateError, "template set"), path, TemplateError)
    ctx = _Ctx(meta)
    data = meta.data
    if not isinstance(data, dict):
        raise TemplateError("a template set must be a mapping", file=path, line=1)
    styles = tuple(_style(ctx, name, spec) for name, spec in (data.get("styles") or {}).items())
    names = {s.name for s in styles}
    for required in REQUIRED_STYLES:
        if required not in names:
            raise ctx.error(f"missing style {required!r}", "styles")
    raw_pages: dict[str, Any] = data.get("pages") or {}
    defaults = data.get("page") or {}
    pages = tuple(_page(ctx, name, _resolve(ctx, name, raw_pages, defaults), names)
                  for name in raw_pages if not str(name).startswith("_"))
    images = data.get("images") or {}
    paper = tuple((str(k), str(v)) for k, v in (data.get("paper") or {}).items())
    print_spec = _print_spec(ctx, path, data.get("print"))
    return TemplateSet(
        name=str(data.get("name") or path.stem), path=path, paper=paper, styles=styles,
        pages=pages, min_ppi=float(images.get("min_ppi", 150)),
        floor_ppi=float(images.get("floor_ppi", 50)),
        target_ppi=float(images.get("target_ppi", 200)),
        underset_tolerance=int(data.get("underset_tolerance", 2)),
        screen_ppi=float(images.get("screen_ppi", 110)), print=print_spec,
        loose_ratio=float(data.get("loose_ratio", 2.2)),
    )


PRINT_KEYS = {"profile", "ink_limit", "slug", "min_text_size", "hairline"}


def _print_spec(ctx: _Ctx, path: Path, raw: object) -> PrintSpec:
    if raw is None:
        return PrintSpec()
    if not isinstance(raw, dict):
        raise ctx.error("print must be a mapping (profile:, ink_limit:, …)", "print")
    for key in raw:
        if key not in PRINT_KEYS:
            raise ctx.error(f"unknown field {key!r}", "print", key,
                            hint=f"known: {', '.join(sorted(PRINT_KEYS))}")
    profile = None
    if raw.get("profile"):
        profile = (path.parent / str(raw["profile"])).resolve()
        check_profile(profile, lambda msg: ctx.error(msg, "print", "profile"))
    ink = raw.get("ink_limit", 240)
    if not isinstance(ink, int | float) or not 100 <= ink <= 400:
        raise ctx.error("ink_limit is a total coverage in percent, 100-400", "print",
                        "ink_limit")
    return PrintSpec(profile=profile, ink_limit=float(ink),
                     slug=ctx.length(raw.get("slug", 12), "mm", "print", "slug"),
                     min_text=ctx.length(raw.get("min_text_size", 5), "pt", "print",
                                         "min_text_size"),
                     hairline=ctx.length(raw.get("hairline", 0.25), "pt", "print", "hairline"))


def check_profile(profile: Path, error: Callable[[str], Exception]) -> None:
    """A readable ICC output profile for CMYK (the press's characterisation)."""
    from PIL import ImageCms

    if not profile.is_file():
        raise error(f"ICC profile {profile} does not exist")
    try:
        prof = ImageCms.getOpenProfile(str(profile))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise error(f"{profile.name} is not a readable ICC profile ({exc})") from None
    if prof.profile.xcolor_space.strip() != "CMYK":
        raise error(f"{profile.name} is a {prof.profile.xcolor_space.strip()} profile; "
                    "print needs a CMYK output profile")


def fonts_dir(path: Path) -> Path:
    """The fonts folder a template set names (`fonts:`), relative to the set's file."""
    meta = load_yaml(read_text(path, TemplateError, "template set"), path, TemplateError)
    rel = (meta.data or {}).get("fonts", "../fonts")
    return (path.parent / str(rel)).resolve()


def _resolve(ctx: _Ctx, name: str, pages: dict[str, Any], defaults: dict[str, Any],
             seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Merge a page template over what it `extends` (slots merged by name)."""
    if name in seen:
        raise ctx.error(f"extends loop: {' -> '.join(seen + (name,))}", "pages", name)
    spec = pages.get(name)
    if not isinstance(spec, dict):
        raise ctx.error("a page template must be a mapping", "pages", name)
    parent_name = spec.get("extends")
    if parent_name is None:
        base = dict(defaults)
        base["slots"] = {}
    elif parent_name not in pages:
        raise ctx.error(f"extends unknown page template {parent_name!r}", "pages", name,
                        "extends", hint=f"templates: {', '.join(pages)}")
    else:
        base = _resolve(ctx, parent_name, pages, defaults, seen + (name,))
    merged = {**base, **{k: v for k, v in spec.items() if k not in ("slots", "extends")}}
    slots = dict(base.get("slots") or {})
    for slot_name, slot in (spec.get("slots") or {}).items():
        if slot is None:
            slots.pop(slot_name, None)  # `name: null` removes an inherited slot
        else:
            slots[slot_name] = (name, slot)
    merged["slots"] = slots
    return merged


def _page(ctx: _Ctx, name: str, spec: dict[str, Any], styles: set[str]) -> PageTemplate:
    where = ("pages", name)
    for key in spec:
        if key not in PAGE_KEYS:
            raise ctx.error(f"unknown field {key!r}", *where, key,
                            hint=f"known: {', '.join(sorted(PAGE_KEYS))}")
    margins = spec.get("margins") or {}
    baseline = ctx.length(spec.get("baseline", "13pt"), "pt", "page", "baseline")
    columns = spec.get("columns", 1)
    if not isinstance(columns, int) or columns < 1:
        raise ctx.error("columns must be a positive whole number", "page", "columns")
    page = PageTemplate(
        name=name,
        width=ctx.length(spec.get("width"), "mm", *where, "width"),
        height=ctx.length(spec.get("height"), "mm", *where, "height"),
        margin_top=ctx.length(margins.get("top", 10), "mm", "page", "margins"),
        margin_bottom=ctx.length(margins.get("bottom", 10), "mm", "page", "margins"),
        margin_left=ctx.length(margins.get("left", 10), "mm", "page", "margins"),
        margin_right=ctx.length(margins.get("right", 10), "mm", "page", "margins"),
        grid=Grid(columns, ctx.length(spec.get("gutter", 4), "mm", "page", "gutter"), baseline),
        slots=(),
        bleed=ctx.length(spec.get("bleed", 3), "mm", "page", "bleed"),
    )
    slots = tuple(_slot(ctx, page, slot_name, owner, raw, styles)
                  for slot_name, (owner, raw) in spec["slots"].items())
    _check_slots(ctx, page, slots)
    return PageTemplate(**{**page.__dict__, "slots": slots})


def _grid_length(ctx: _Ctx, value: object, baseline: float, *path: object) -> float:
    """Numbers are grid lines; strings with a unit ("85mm") are lengths."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * baseline
    return ctx.length(value, "mm", *path)


def _slot(ctx: _Ctx, page: PageTemplate, name: str, owner: str, raw: object,
          styles: set[str]) -> Slot:
    where = ("pages", owner, "slots", name)
    if not isinstance(raw, dict):
        raise ctx.error("a slot must be a mapping", *where)
    for key in raw:
        if key not in SLOT_KEYS:
            raise ctx.error(f"unknown field {key!r}", *where, key,
                            hint=f"known: {', '.join(sorted(SLOT_KEYS))}")
    role = raw.get("role", "story")
    if role not in SLOT_ROLES:
        raise ctx.error(f"unknown role {role!r}", *where, "role",
                        hint=f"roles: {', '.join(SLOT_ROLES)}")
    col, span = raw.get("col", 1), raw.get("span", page.grid.columns)
    if not (isinstance(col, int) and isinstance(span, int) and col >= 1 and span >= 1
            and col + span - 1 <= page.grid.columns):
        raise ctx.error(f"col/span must lie within the {page.grid.columns}-column grid",
                        *where, "col")
    headline = None
    if "headline" in raw:
        h = raw["headline"] or {}
        size = h.get("size", [24, 36])
        if not (isinstance(size, list) and len(size) == 2 and size[0] <= size[1]):
            raise ctx.error("headline size must be [min, max] in points", *where, "headline")
        headline = HeadlineFit(float(size[0]), float(size[1]), int(h.get("lines", 2)))
    photo = PhotoSpec(position="none")
    if "photo" in raw:
        p = raw["photo"] or {}
        heights = p.get("height", [10, 20])
        photo = PhotoSpec(
            position=str(p.get("position", "top")),
            span=int(p.get("span", 0)),
            min_height=_grid_length(ctx, heights[0], page.grid.baseline, *where, "photo"),
            max_height=_grid_length(ctx, heights[1], page.grid.baseline, *where, "photo"),
        )
    rules = _edges(ctx, raw.get("rules"), RULE_EDGES, *where, "rules")
    bleed = _edges(ctx, raw.get("bleed"), EDGES, *where, "bleed")
    fill = None
    if raw.get("fill") is not None:
        c = raw["fill"]
        if not (isinstance(c, list) and len(c) == 4
                and all(isinstance(v, int | float) and 0 <= v <= 100 for v in c)):
            raise ctx.error("fill is CMYK in percent: [c, m, y, k]", *where, "fill")
        fill = (c[0] / 100, c[1] / 100, c[2] / 100, c[3] / 100)
    hstyle = str(raw.get("headline_style", "headline"))
    if hstyle not in styles:
        raise ctx.error(f"unknown style {hstyle!r}", *where, "headline_style")
    return Slot(
        name=name, role=role, col=col, span=span,
        top=_grid_length(ctx, raw.get("top", 0), page.grid.baseline, *where, "top"),
        height=_grid_length(ctx, raw.get("height", 10), page.grid.baseline, *where, "height"),
        columns=int(raw.get("columns", span)), headline=headline, photo=photo,
        rules=rules, headline_style=hstyle, title=str(raw.get("title") or ""), bleed=bleed,
        fill=fill,
        line=ctx.meta.line(*where) or 0,
    )


def _edges(ctx: _Ctx, value: object, allowed: tuple[str, ...], *where: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or any(v not in allowed for v in value):
        raise ctx.error(f"must be a list of: {', '.join(allowed)}", *where,
                        hint=f"e.g. [{allowed[0]}, {allowed[1]}]")
    return tuple(value)


def _check_slots(ctx: _Ctx, page: PageTemplate, slots: tuple[Slot, ...]) -> None:
    for s in slots:
        if s.top + s.height > page.content_height + 0.01:
            raise ctx.error(f"slot {s.name!r} runs below the type area "
                            f"({s.top + s.height:.0f}pt > {page.content_height:.0f}pt)",
                            "pages", page.name)


def _style(ctx: _Ctx, name: str, spec: object) -> Style:
    where = ("styles", name)
    if not isinstance(spec, dict):
        raise ctx.error("a style must be a mapping", *where)
    for key in spec:
        if key not in STYLE_KEYS:
            raise ctx.error(f"unknown field {key!r}", *where, key,
                            hint=f"known: {', '.join(sorted(STYLE_KEYS))}")
    size = ctx.length(spec.get("size", 10), "pt", *where, "size")
    color = tuple(float(c) / 100 for c in spec.get("color", [0, 0, 0, 100]))
    if len(color) != 4:
        raise ctx.error("color is CMYK in percent: [c, m, y, k]", *where, "color")
    return Style(
        name=name, family=str(spec.get("family", "serif")), size=size,
        leading=ctx.length(spec.get("leading", size * 1.25), "pt", *where, "leading"),
        bold=bool(spec.get("bold", False)), italic=bool(spec.get("italic", False)),
        color=(color[0], color[1], color[2], color[3]),
        align=str(spec.get("align", "left")),
        indent=ctx.length(spec.get("indent", 0), "mm", *where, "indent"),
        hyphenate=_edges(ctx, spec.get("hyphenate"), ("en", "bn"), *where, "hyphenate"),
    )
