"""Load a template set: millimetres and grid lines in YAML, points in the TemplateSet.

Every field is checked here, while loading: its type, and a range generous enough for any
real newspaper but narrow enough that layout never meets a zero, a NaN or a page with no
type area. A wrong field is a TemplateError naming the file, the line and the field, with
the allowed values in the hint; the model stays plain data.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from epaper import kept
from epaper.errors import Collector, TemplateError
from epaper.model.edition import Paper
from epaper.model.template import (
    SLOT_ROLES,
    FreeArea,
    Grid,
    HeadlineFit,
    PageTemplate,
    PhotoSpec,
    PrintSpec,
    Shape,
    Slot,
    Style,
    TemplateSet,
)
from epaper.units import MM, parse_length
from epaper.yamlio import Located, load_yaml, read_text

TOP_KEYS = {"name", "fonts", "paper", "images", "print", "underset_tolerance", "loose_ratio",
            "styles", "page", "pages", "shapes"}
PAGE_KEYS = {"extends", "width", "height", "margins", "bleed", "columns", "gutter", "baseline",
             "slots", "shapes", "free"}
SHAPE_KEYS = {"span", "depth", "columns", "headline", "photo", "headline_style", "lead", "rules"}
FREE_KEYS = {"col", "span", "top", "height"}
SLOT_KEYS = {"role", "col", "span", "top", "height", "columns", "headline", "photo", "rules",
             "headline_style", "title", "bleed", "fill"}
HEADLINE_KEYS = {"size", "lines"}
PHOTO_KEYS = {"position", "height", "span"}
PHOTO_POSITIONS = ("top", "none")
CONTENT_ROLES = ("story", "briefs", "photo", "jumps", "ad")  # may not overlap each other
RULE_EDGES = ("top", "bottom", "left", "right", "columns")
EDGES = ("top", "bottom", "left", "right")
STYLE_KEYS = {"family", "size", "leading", "bold", "italic", "color", "align", "indent",
              "hyphenate"}
ALIGNS = ("left", "justify", "center", "right")
REQUIRED_STYLES = ("headline", "kicker", "subheadline", "byline", "body", "subhead", "caption",
                   "credit", "folio", "imprint", "masthead", "dateline", "jumpline")
IMAGE_KEYS = {"min_ppi", "floor_ppi", "target_ppi", "screen_ppi"}
PRINT_KEYS = {"profile", "ink_limit", "slug", "min_text_size", "hairline"}
PAPER_KEYS = tuple(Paper.__dataclass_fields__)

# Limits: the shipped sets use 6.5-64 pt type on 265-330 mm pages with 5-8 columns; these
# leave room for any real newspaper and refuse only what cannot be laid out.
TYPE_SIZE = (4, 200)  # pt: a style's size, a headline's [min, max]
LEADING = (4, 300)  # pt
INDENT = (0, 30)  # mm
PAGE_SIZE = (50, 2000)  # mm: width, height
MARGIN = (0, 200)  # mm
BLEED = (0, 20)  # mm
GRID_COLUMNS = (1, 40)
GUTTER = (0, 30)  # mm
BASELINE = (4, 72)  # pt
MIN_COLUMN = 8  # mm: the narrowest grid or text column
SLOT_COLUMNS = (0, 20)  # text columns in a slot; 0: one per grid column
HEADLINE_LINES = (1, 10)
PPI = (0, 1200)  # min_ppi, floor_ppi
TARGET_PPI = (72, 1200)
SCREEN_PPI = (36, 600)
UNDERSET = (0, 50)  # grid lines
LOOSE_RATIO = (1, 10)
INK_LIMIT = (100, 400)  # percent
SLUG = (3, 50)  # mm: room for the crop marks beyond the bleed
MIN_TEXT = (2, 20)  # pt
HAIRLINE = (0.05, 2)  # pt
_FACTOR = {"mm": MM, "pt": 1.0}


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _between(name: str, lo: float, hi: float, unit: str = "", whole: bool = False) -> str:
    kind = "a whole number " if whole else ""
    return f"{name} must be {kind}between {lo:g} and {hi:g}{' ' + unit if unit else ''}"


class _Ctx:
    def __init__(self, meta: Located) -> None:
        self.meta = meta

    def error(self, message: str, *path: object, hint: str | None = None,
              key: bool = False) -> TemplateError:
        """An error at `path`: its value, or (`key`) the whole `key: value` entry."""
        field = ".".join(str(p) for p in path) if path else None
        line = self.meta.key_line(*path) if key else self.meta.line(*path)
        return TemplateError(message, file=self.meta.file, line=line, field=field,
                             hint=hint, code="E-unknown-field" if key else None)

    def mapping(self, value: object, keys: set[str] | None, *path: object,
                example: str = "") -> dict[Any, Any]:
        """A mapping (absent: empty) whose keys are all in `keys` (None: any key)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(f"must be a mapping, got {value!r}", *path,
                             hint=example or (f"fields: {', '.join(sorted(keys))}" if keys
                                              else None))
        for key in value:
            if keys is not None and key not in keys:
                raise self.error(f"unknown field {key!r}", *path, key, key=True,
                                 hint=f"known: {', '.join(sorted(keys))}")
        return value

    def number(self, value: object, lo: float, hi: float, *path: object, unit: str = "",
               whole: bool = False, name: str | None = None) -> Any:
        """A number (a whole one if `whole`) in [lo, hi]."""
        hint = _between(name or str(path[-1]), lo, hi, unit, whole)
        if not _is_number(value) or (whole and not isinstance(value, int)):
            raise self.error(f"expected {'a whole number' if whole else 'a number'}, "
                             f"got {value!r}", *path, hint=hint)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise self.error(f"{value!r} is out of range", *path, hint=hint)
        return value

    def length(self, value: object, unit: str, lo: float, hi: float, *path: object,
               name: str | None = None) -> float:
        """A length in points; bare numbers are in `unit`, the range [lo, hi] too."""
        hint = _between(name or str(path[-1]), lo, hi, unit)
        try:
            points = parse_length(value, unit)
        except ValueError as exc:
            raise self.error(str(exc), *path, hint=hint) from None
        f = _FACTOR[unit]
        if not (math.isfinite(points) and lo * f - 1e-9 <= points <= hi * f + 1e-9):
            raise self.error(f"{value!r} is out of range", *path, hint=hint)
        return points

    def text(self, value: object, *path: object) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(f"expected text, got {value!r}", *path)
        return str(value)

    def flag(self, value: object, *path: object) -> bool:
        if not isinstance(value, bool):
            raise self.error(f"expected true or false, got {value!r}", *path)
        return value

    def choice(self, value: object, allowed: tuple[str, ...], *path: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise self.error(f"unknown value {value!r}", *path,
                             hint=f"{path[-1]} is one of: {', '.join(allowed)}")
        return value

    def cmyk(self, value: object, *path: object) -> list[float]:
        if not (isinstance(value, list) and len(value) == 4
                and all(_is_number(v) and 0 <= v <= 100 for v in value)):
            raise self.error(f"{path[-1]} is CMYK in percent: [c, m, y, k], got {value!r}",
                             *path, hint="each component between 0 and 100")
        return value


def load_template_set(path: Path) -> TemplateSet:
    """The template set in `path`, or a TemplateError carrying every error found in it:
    each style, page template and settings group is checked on its own."""
    meta = load_yaml(read_text(path, TemplateError, "template set"), path, TemplateError)
    ctx = _Ctx(meta)
    data = meta.data
    if not isinstance(data, dict):
        raise TemplateError("a template set must be a mapping", file=path, line=1)
    sink = Collector()
    with sink.guard():
        ctx.mapping(data, TOP_KEYS)
    set_name = path.stem
    with sink.guard():
        set_name = ctx.text(data["name"], "name") if data.get("name") else path.stem
    families: set[str] | None = None
    with sink.guard():
        families = _fonts_index(ctx, path, data)
    styles, names = _styles(ctx, data, families, sink)
    pages = _pages(ctx, data, names, sink)
    settings: dict[str, Any] = {}
    with sink.guard():
        settings = _settings(ctx, path, data)
    sink.check()
    return TemplateSet(name=set_name, path=path, styles=styles, pages=pages, **settings)


def _styles(ctx: _Ctx, data: dict[str, Any], families: set[str] | None, sink: Collector
            ) -> tuple[tuple[Style, ...], set[str]]:
    """The styles that load, and the names of all styles written (a style with an error
    is still there for the slots that name it: no second error for them)."""
    styles: list[Style] = []
    names: set[str] = set()
    with sink.guard():
        raw = ctx.mapping(data.get("styles"), None, "styles",
                          example="styles: {body: {size: 9, leading: 13}, …}")
        names = {str(n) for n in raw}
        for name, spec in raw.items():
            with sink.guard():
                styles.append(_style(ctx, name, spec, families))
        for required in REQUIRED_STYLES:
            if required not in names:
                sink.add(ctx.error(f"missing style {required!r}", "styles",
                                   hint=f"a template set needs the styles "
                                        f"{', '.join(REQUIRED_STYLES)}"))
    return tuple(styles), names


def _pages(ctx: _Ctx, data: dict[str, Any], names: set[str], sink: Collector
           ) -> tuple[PageTemplate, ...]:
    pages: list[PageTemplate] = []
    with sink.guard():
        raw_pages = ctx.mapping(data.get("pages"), None, "pages",
                                example="pages: {front: {slots: {…}}, inside: {…}}")
        defaults = ctx.mapping(data.get("page"),
                               PAGE_KEYS - {"extends", "slots", "shapes", "free"}, "page",
                               example="page: {width: 330, height: 530, columns: 8, …}")
        shapes = ctx.mapping(data.get("shapes"), None, "shapes",
                             example="shapes: {lead: {span: [4, 6], depth: [30, 70], …}}")
        defaults = {**defaults, "shapes": {k: (("shapes", k), v) for k, v in shapes.items()}}
        for name in raw_pages:
            if not str(name).startswith("_"):
                with sink.guard():
                    pages.append(_page(ctx, name, *_resolve(ctx, name, raw_pages, defaults),
                                       names))
    return tuple(pages)


def _settings(ctx: _Ctx, path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The set's other fields: paper, images, print, underset and loose-line limits."""
    images = ctx.mapping(data.get("images"), IMAGE_KEYS, "images",
                         example="images: {min_ppi: 150, floor_ppi: 50, target_ppi: 200}")
    min_ppi = ctx.number(images.get("min_ppi", 150), *PPI, "images", "min_ppi", unit="ppi")
    floor_ppi = ctx.number(images.get("floor_ppi", 50), *PPI, "images", "floor_ppi", unit="ppi")
    if floor_ppi > min_ppi:
        raise ctx.error(f"floor_ppi {floor_ppi:g} is above min_ppi {min_ppi:g}", "images",
                        "floor_ppi", hint="the floor (an error) must not exceed min_ppi "
                        "(a warning)")
    paper = tuple((str(k), ctx.text(v, "paper", k)) for k, v in
                  ctx.mapping(data.get("paper"), set(PAPER_KEYS), "paper").items()
                  if v is not None)
    return dict(
        paper=paper, min_ppi=float(min_ppi), floor_ppi=float(floor_ppi),
        target_ppi=float(ctx.number(images.get("target_ppi", 200), *TARGET_PPI, "images",
                                    "target_ppi", unit="ppi")),
        underset_tolerance=int(ctx.number(data.get("underset_tolerance", 2), *UNDERSET,
                                          "underset_tolerance", unit="grid lines",
                                          whole=True)),
        screen_ppi=float(ctx.number(images.get("screen_ppi", 110), *SCREEN_PPI, "images",
                                    "screen_ppi", unit="ppi")),
        print=_print_spec(ctx, path, data.get("print")),
        loose_ratio=float(ctx.number(data.get("loose_ratio", 2.2), *LOOSE_RATIO,
                                     "loose_ratio")),
    )


def _fonts_index(ctx: _Ctx, path: Path, data: dict[str, Any]) -> set[str] | None:
    """`fonts:` names a folder that holds a fonts.yaml (read later by the FontBook); the
    families it names, so that a style naming another is refused at the style's line."""
    rel = data.get("fonts", "../fonts")
    if not isinstance(rel, str) or not rel.strip():
        raise ctx.error(f"expected the path of a fonts folder, got {rel!r}", "fonts",
                        hint="e.g. fonts: ../fonts")
    index = (path.parent / rel).resolve() / "fonts.yaml"
    if not index.is_file():
        raise ctx.error(f"{index} does not exist", "fonts",
                        hint="name a folder holding fonts.yaml and the font files")
    try:
        found = load_yaml(read_text(index, TemplateError, "font index"), index,
                          TemplateError).data
    except TemplateError:
        return None  # the FontBook reports what is wrong with the index itself
    families = found.get("families") if isinstance(found, dict) else None
    return {str(f) for f in families} if isinstance(families, dict) else None


def _print_spec(ctx: _Ctx, path: Path, raw: object) -> PrintSpec:
    if raw is None:
        return PrintSpec()
    raw = ctx.mapping(raw, PRINT_KEYS, "print", example="print: {profile: …, ink_limit: 240}")
    profile = None
    if raw.get("profile"):
        rel = ctx.text(raw["profile"], "print", "profile")
        profile = (path.parent / rel).resolve()
        check_profile(profile, lambda msg: ctx.error(
            msg, "print", "profile", hint="name the press's CMYK output profile (.icc)"))
    ink = raw.get("ink_limit", 240)
    if not _is_number(ink) or not INK_LIMIT[0] <= ink <= INK_LIMIT[1]:
        raise ctx.error("ink_limit is a total coverage in percent, 100-400", "print",
                        "ink_limit", hint=_between("ink_limit", *INK_LIMIT, "%"))
    return PrintSpec(profile=profile, ink_limit=float(ink),
                     slug=ctx.length(raw.get("slug", 12), "mm", *SLUG, "print", "slug"),
                     min_text=ctx.length(raw.get("min_text_size", 5), "pt", *MIN_TEXT,
                                         "print", "min_text_size"),
                     hairline=ctx.length(raw.get("hairline", 0.25), "pt", *HAIRLINE,
                                         "print", "hairline"))


def check_profile(profile: Path, error: Callable[[str], Exception]) -> None:
    """A readable ICC output profile for CMYK (the press's characterisation) that photos
    can be converted to from sRGB, as the print rendering does."""
    from PIL import ImageCms

    if not profile.is_file():
        raise error(f"ICC profile {profile} does not exist")
    if kept.recall("icc-checked", profile) is True:  # this very file passed before
        return
    try:
        prof = ImageCms.getOpenProfile(str(profile))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise error(f"{profile.name} is not a readable ICC profile ({exc})") from None
    if prof.profile.xcolor_space.strip() != "CMYK":
        raise error(f"{profile.name} is a {prof.profile.xcolor_space.strip()} profile; "
                    "print needs a CMYK output profile")
    if prof.profile.device_class != "prtr":
        raise error(f"{profile.name} is a {prof.profile.device_class!r} profile, not an output "
                    "(printer) profile; print needs a CMYK output profile")
    try:
        ImageCms.buildTransform(ImageCms.createProfile("sRGB"), prof, "RGB", "CMYK",
                                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    except (OSError, ImageCms.PyCMSError) as exc:
        raise error(f"{profile.name} is damaged or cut short: photos cannot be converted "
                    f"to it ({exc})") from None
    kept.keep("icc-checked", profile, True)


def fonts_dir(path: Path) -> Path:
    """The fonts folder a template set names (`fonts:`), relative to the set's file."""
    text = read_text(path, TemplateError, "template set")
    try:  # one field of a set load_template_set has read: its lines are not needed
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        data = load_yaml(text, path, TemplateError).data  # says where, and what is wrong
    data = data if isinstance(data, dict) else {}
    rel = data.get("fonts", "../fonts")
    return (path.parent / str(rel)).resolve()


def _resolve(ctx: _Ctx, name: str, pages: dict[str, Any], defaults: dict[str, Any],
             seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, tuple[object, ...]]]:
    """Merge a page template over what it `extends` (slots merged by name); also where
    each field was written (("page",) or ("pages", name)), for messages."""
    if name in seen:
        raise ctx.error(f"extends loop: {' -> '.join(seen + (name,))}", "pages", name)
    where = ("pages", name)
    spec = pages.get(name)
    if not isinstance(spec, dict):
        raise ctx.error("a page template must be a mapping", *where,
                        hint="e.g. front: {slots: {…}} or inside-ad: {extends: inside}")
    ctx.mapping(spec, PAGE_KEYS, *where)
    parent_name = spec.get("extends")
    if parent_name is None:
        base = dict(defaults)
        base["slots"] = {}
        origin: dict[str, tuple[object, ...]] = {k: ("page",) for k in defaults}
    elif not isinstance(parent_name, str) or parent_name not in pages:
        raise ctx.error(f"extends unknown page template {parent_name!r}", *where,
                        "extends", hint=f"templates: {', '.join(map(str, pages))}")
    else:
        base, origin = _resolve(ctx, parent_name, pages, defaults, seen + (name,))
        origin = dict(origin)
    merged = {**base, **{k: v for k, v in spec.items()
                         if k not in ("slots", "extends", "shapes")}}
    origin.update({k: where for k in spec if k not in ("slots", "extends", "shapes")})
    shapes = dict(base.get("shapes") or {})
    for shape_name, shape in ctx.mapping(spec.get("shapes"), None, *where, "shapes",
                                         example="shapes: {lead: {span: [4, 6], …}}").items():
        if shape is None:
            shapes.pop(shape_name, None)  # `name: null` removes an inherited shape
        else:
            shapes[shape_name] = ((*where, "shapes", shape_name), shape)
    merged["shapes"] = shapes
    slots = dict(base.get("slots") or {})
    raw_slots = ctx.mapping(spec.get("slots"), None, *where, "slots",
                            example="slots: {lead: {role: story, col: 1, span: 5, …}}")
    for slot_name, slot in raw_slots.items():
        if slot is None:
            slots.pop(slot_name, None)  # `name: null` removes an inherited slot
        else:
            slots[slot_name] = (name, slot)
    merged["slots"] = slots
    return merged, origin


def _page(ctx: _Ctx, name: str, spec: dict[str, Any], origin: dict[str, tuple[object, ...]],
          styles: set[str]) -> PageTemplate:
    def at(key: str) -> tuple[object, ...]:
        return (*origin.get(key, ("pages", name)), key)

    margins = ctx.mapping(spec.get("margins"), set(EDGES), *at("margins"),
                          example="margins: {top: 12, bottom: 13.5, left: 11, right: 11}")
    baseline = ctx.length(spec.get("baseline", "13pt"), "pt", *BASELINE, *at("baseline"))
    columns = ctx.number(spec.get("columns", 1), *GRID_COLUMNS, *at("columns"), whole=True)

    def margin(edge: str) -> float:
        return ctx.length(margins.get(edge, 10), "mm", *MARGIN, *at("margins"), edge,
                          name=f"margins.{edge}")

    page = PageTemplate(
        name=name,
        width=ctx.length(spec.get("width"), "mm", *PAGE_SIZE, *at("width")),
        height=ctx.length(spec.get("height"), "mm", *PAGE_SIZE, *at("height")),
        margin_top=margin("top"),
        margin_bottom=margin("bottom"),
        margin_left=margin("left"),
        margin_right=margin("right"),
        grid=Grid(columns, ctx.length(spec.get("gutter", 4), "mm", *GUTTER, *at("gutter")),
                  baseline),
        slots=(),
        bleed=ctx.length(spec.get("bleed", 3), "mm", *BLEED, *at("bleed")),
    )
    _check_type_area(ctx, page, at)
    slots = tuple(_slot(ctx, page, slot_name, owner, raw, styles)
                  for slot_name, (owner, raw) in spec["slots"].items())
    _check_slots(ctx, page, slots, spec["slots"])
    free = _free(ctx, page, spec.get("free"), at("free")) if spec.get("free") is not None \
        else None
    rows = free.height if free else page.rows
    shapes = tuple(_shape(ctx, page, shape_name, path, raw, styles, rows)
                   for shape_name, (path, raw) in spec.get("shapes", {}).items())
    return PageTemplate(**{**page.__dict__, "slots": slots, "shapes": shapes, "free": free})


def _free(ctx: _Ctx, page: PageTemplate, raw: object, where: tuple[object, ...]) -> FreeArea:
    """An auto page's free area: grid columns and whole grid lines inside the type area."""
    f = ctx.mapping(raw, FREE_KEYS, *where, example="free: {col: 1, span: 8, top: 2, height: "
                    "108}")
    n = page.grid.columns
    col = ctx.number(f.get("col", 1), 1, n, *where, "col", whole=True)
    span = ctx.number(f.get("span", n - col + 1), 1, n - col + 1, *where, "span", whole=True)
    top = ctx.number(f.get("top", 0), 0, page.rows - 1, *where, "top", whole=True,
                     unit="grid lines")
    height = ctx.number(f.get("height", page.rows - top), 1, page.rows - top, *where,
                        "height", whole=True, unit="grid lines")
    return FreeArea(int(col), int(span), int(top), int(height))


def _shape(ctx: _Ctx, page: PageTemplate, name: str, where: tuple[object, ...], raw: object,
           styles: set[str], rows: int) -> Shape:
    """A story shape: span (grid columns, a number or [min, max]), depth ([min, max] grid
    lines), text columns, headline fit, photo (or none), lead."""
    if not isinstance(raw, dict):
        raise ctx.error("a shape must be a mapping", *where,
                        hint="e.g. {span: [3, 4], depth: [20, 60], photo: {height: [10, 16]}}")
    ctx.mapping(raw, SHAPE_KEYS, *where)
    n = page.grid.columns
    span = raw.get("span", [1, n])
    if _is_number(span):
        span = [span, span]
    if not (isinstance(span, list) and len(span) == 2):
        raise ctx.error(f"span must be a number of grid columns or [min, max], got {span!r}",
                        *where, "span", hint=_between("span", 1, n, "columns", whole=True))
    lo, hi = (int(ctx.number(v, 1, n, *where, "span", i, whole=True, unit="grid columns",
                             name="span")) for i, v in enumerate(span))
    if lo > hi:
        raise ctx.error(f"span {span!r} has min above max", *where, "span",
                        hint="write [min, max], e.g. [3, 4]")
    depth = raw.get("depth", [1, rows])
    if not (isinstance(depth, list) and len(depth) == 2):
        raise ctx.error(f"depth must be [min, max] in grid lines, got {depth!r}", *where,
                        "depth", hint=_between("depth", 1, rows, "grid lines", whole=True))
    dlo, dhi = (int(ctx.number(v, 1, rows, *where, "depth", i, whole=True, unit="grid lines",
                               name="depth")) for i, v in enumerate(depth))
    if dlo > dhi:
        raise ctx.error(f"depth {depth!r} has min above max", *where, "depth",
                        hint="write [min, max] in grid lines, e.g. [20, 60]")
    columns = int(ctx.number(raw.get("columns", 0), *SLOT_COLUMNS, *where, "columns",
                             whole=True, name="columns (0: one per grid column)"))
    width = page.column_x(lo) + page.column_width - page.column_x(1)
    text_columns = columns or lo
    if (width - (text_columns - 1) * page.grid.gutter) / text_columns < MIN_COLUMN * MM - 1e-6:
        raise ctx.error(f"{text_columns} text columns do not fit in {lo} grid columns",
                        *where, "columns",
                        hint=f"a text column must be at least {MIN_COLUMN} mm wide")
    headline = _headline(ctx, raw["headline"], *where, "headline") if "headline" in raw \
        else None
    photo = PhotoSpec(position="none")
    if raw.get("photo") not in (None, "none"):
        photo = _photo(ctx, raw["photo"], page.grid.baseline, columns or lo,
                       dhi * page.grid.baseline, *where, "photo")
    hstyle = ctx.text(raw.get("headline_style", "headline"), *where, "headline_style")
    if hstyle not in styles:
        raise ctx.error(f"unknown style {hstyle!r}", *where, "headline_style",
                        hint=f"styles: {', '.join(sorted(styles))}")
    return Shape(name=str(name), spans=tuple(range(lo, hi + 1)), min_depth=dlo,
                 max_depth=dhi, columns=columns, headline=headline, photo=photo,
                 headline_style=hstyle, lead=ctx.flag(raw.get("lead", False), *where, "lead"),
                 rules=_edges(ctx, raw.get("rules"), ("columns",), *where, "rules"),
                 line=ctx.meta.line(*where) or 0)


def _check_type_area(ctx: _Ctx, page: PageTemplate,
                     at: Callable[[str], tuple[object, ...]]) -> None:
    """Margins leave a type area; columns and gutters leave columns text can be set in."""
    for size, across, a, b in ((page.width, page.content_width, "left", "right"),
                               (page.height, page.content_height, "top", "bottom")):
        if across < MIN_COLUMN * MM:
            raise ctx.error(f"the {a} and {b} margins leave {across / MM:.0f} mm of the "
                            f"{size / MM:.0f} mm page for the type area", *at("margins"),
                            hint=f"the type area must be at least {MIN_COLUMN} mm each way")
    if page.column_width < MIN_COLUMN * MM - 1e-6:
        g = page.grid
        raise ctx.error(f"{g.columns} columns with {g.gutter / MM:g} mm gutters make columns "
                        f"{page.column_width / MM:.1f} mm wide in a "
                        f"{page.content_width / MM:.0f} mm type area", *at("columns"),
                        hint=f"a column must be at least {MIN_COLUMN} mm wide: use fewer "
                        "columns or narrower gutters or margins")


def _grid_length(ctx: _Ctx, value: object, baseline: float, *path: object,
                 hint: str) -> float:
    """Numbers are grid lines; strings with a unit ("85mm") are lengths."""
    if _is_number(value):
        points = float(value) * baseline
    else:
        try:
            points = parse_length(value, "mm")
        except ValueError as exc:
            raise ctx.error(str(exc), *path, hint=hint) from None
    if not math.isfinite(points):
        raise ctx.error(f"{value!r} is out of range", *path, hint=hint)
    return points


def _slot(ctx: _Ctx, page: PageTemplate, name: str, owner: str, raw: object,
          styles: set[str]) -> Slot:
    where = ("pages", owner, "slots", name)
    if not isinstance(raw, dict):
        raise ctx.error("a slot must be a mapping", *where,
                        hint="e.g. {role: story, col: 1, span: 5, top: 2, height: 50}")
    ctx.mapping(raw, SLOT_KEYS, *where)
    role = raw.get("role", "story")
    if role not in SLOT_ROLES:
        raise ctx.error(f"unknown role {role!r}", *where, "role",
                        hint=f"roles: {', '.join(SLOT_ROLES)}")
    n = page.grid.columns
    col = ctx.number(raw.get("col", 1), 1, n, *where, "col", whole=True)
    span = ctx.number(raw.get("span", n), 1, n, *where, "span", whole=True)
    if col + span - 1 > n:
        raise ctx.error(f"col/span must lie within the {n}-column grid", *where, "span",
                        hint=f"col {col} + span {span} reaches column {col + span - 1}")
    lines = "grid lines, or a length such as \"85mm\""
    top = _grid_length(ctx, raw.get("top", 0), page.grid.baseline, *where, "top",
                       hint=f"top must be 0 or more {lines}")
    if top < 0:
        raise ctx.error(f"top {raw.get('top')!r} puts the slot above the type area",
                        *where, "top", hint=f"top must be 0 or more {lines}")
    height = _grid_length(ctx, raw.get("height", 10), page.grid.baseline, *where, "height",
                          hint=f"height must be more than 0 {lines}")
    if height <= 0:
        raise ctx.error(f"height {raw.get('height')!r} leaves the slot no room", *where,
                        "height", hint=f"height must be more than 0 {lines}")
    columns = ctx.number(raw.get("columns", span), *SLOT_COLUMNS, *where, "columns",
                         whole=True, name="columns (0: one per grid column)")
    text_columns = columns or span
    width = page.column_x(col + span - 1) + page.column_width - page.column_x(col)
    if (width - (text_columns - 1) * page.grid.gutter) / text_columns < MIN_COLUMN * MM - 1e-6:
        raise ctx.error(f"{text_columns} text columns do not fit in {span} grid columns",
                        *where, "columns",
                        hint=f"a text column must be at least {MIN_COLUMN} mm wide")
    headline = None
    if "headline" in raw:
        headline = _headline(ctx, raw["headline"], *where, "headline")
    photo = PhotoSpec(position="none")
    if "photo" in raw:
        photo = _photo(ctx, raw["photo"], page.grid.baseline, text_columns, height,
                       *where, "photo")
    rules = _edges(ctx, raw.get("rules"), RULE_EDGES, *where, "rules")
    bleed = _edges(ctx, raw.get("bleed"), EDGES, *where, "bleed")
    fill = None
    if raw.get("fill") is not None:
        c = ctx.cmyk(raw["fill"], *where, "fill")
        fill = (c[0] / 100, c[1] / 100, c[2] / 100, c[3] / 100)
    hstyle = ctx.text(raw.get("headline_style", "headline"), *where, "headline_style")
    if hstyle not in styles:
        raise ctx.error(f"unknown style {hstyle!r}", *where, "headline_style",
                        hint=f"styles: {', '.join(sorted(styles))}")
    return Slot(
        name=name, role=role, col=col, span=span, top=top, height=height,
        columns=int(columns), headline=headline, photo=photo,
        rules=rules, headline_style=hstyle,
        title=ctx.text(raw.get("title") or "", *where, "title"), bleed=bleed,
        fill=fill,
        line=ctx.meta.line(*where) or 0,
    )


def _headline(ctx: _Ctx, raw: object, *where: object) -> HeadlineFit:
    h = ctx.mapping(raw, HEADLINE_KEYS, *where, example="headline: {size: [24, 36], lines: 2}")
    size = h.get("size", [24, 36])
    if not (isinstance(size, list) and len(size) == 2):
        raise ctx.error(f"headline size must be [min, max] in points, got {size!r}",
                        *where, "size", hint=_between("each size", *TYPE_SIZE, "pt"))
    lo, hi = (ctx.number(v, *TYPE_SIZE, *where, "size", i, unit="pt", name="headline size")
              for i, v in enumerate(size))
    if lo > hi:
        raise ctx.error(f"headline size [{lo:g}, {hi:g}] has min above max", *where, "size",
                        hint="write [min, max], e.g. [24, 36]")
    lines = ctx.number(h.get("lines", 2), *HEADLINE_LINES, *where, "lines", whole=True)
    return HeadlineFit(float(lo), float(hi), int(lines))


def _photo(ctx: _Ctx, raw: object, baseline: float, text_columns: int, slot_height: float,
           *where: object) -> PhotoSpec:
    p = ctx.mapping(raw, PHOTO_KEYS, *where, example="photo: {position: top, height: [10, 20]}")
    heights = p.get("height", [10, 20])
    hint = ("height is [min, max] in grid lines (or lengths such as \"40mm\"), each 0 or "
            "more (0: the photo's natural height)")
    if not (isinstance(heights, list) and len(heights) == 2):
        raise ctx.error(f"photo height must be [min, max], got {heights!r}", *where, "height",
                        hint=hint)
    lo, hi = (_grid_length(ctx, v, baseline, *where, "height", i, hint=hint)
              for i, v in enumerate(heights))
    if lo < 0 or hi < 0:
        raise ctx.error(f"photo height {heights!r} is negative", *where, "height", hint=hint)
    if hi and lo > hi:
        raise ctx.error(f"photo height {heights!r} has min above max", *where, "height",
                        hint=hint)
    if lo > slot_height + 0.01:
        raise ctx.error(f"the photo's minimum height ({lo / baseline:g} grid lines) is more "
                        f"than the slot's height ({slot_height / baseline:g})", *where,
                        "height", hint=hint)
    return PhotoSpec(
        position=ctx.choice(p.get("position", "top"), PHOTO_POSITIONS, *where, "position"),
        span=int(ctx.number(p.get("span", 0), 0, text_columns, *where, "span", whole=True,
                            name="span (text columns; 0: all)")),
        min_height=lo,
        max_height=hi,
    )


def _edges(ctx: _Ctx, value: object, allowed: tuple[str, ...], *where: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or any(v not in allowed for v in value):
        raise ctx.error(f"must be a list of: {', '.join(allowed)}", *where,
                        hint=f"e.g. [{', '.join(allowed[:2])}]")
    return tuple(value)


def _check_slots(ctx: _Ctx, page: PageTemplate, slots: tuple[Slot, ...],
                 owners: dict[str, tuple[str, object]]) -> None:
    def where(s: Slot) -> tuple[object, ...]:
        return ("pages", owners[s.name][0], "slots", s.name)

    for s in slots:
        if s.top + s.height > page.content_height + 0.01:
            raise ctx.error(f"slot {s.name!r} runs below the type area "
                            f"({s.top + s.height:.0f}pt > {page.content_height:.0f}pt)",
                            *where(s), "height",
                            hint=f"top + height must be at most the "
                            f"{page.content_height / page.grid.baseline:.0f} grid lines "
                            "of the type area")
    # Two slots that take stories or ads on the same grid cells would print over each
    # other. Furniture (masthead, folio, imprint) is not held to this: a nameplate panel
    # or an imprint line may sit over a slot's edge by design.
    content = [s for s in slots if s.role in CONTENT_ROLES]
    for i, a in enumerate(content):
        for b in content[i + 1:]:
            if (a.col < b.col + b.span and b.col < a.col + a.span
                    and a.top < b.top + b.height - 0.01 and b.top < a.top + a.height - 0.01):
                raise ctx.error(f"slots {a.name!r} and {b.name!r} of page template "
                                f"{page.name!r} overlap", *where(b), "top",
                                hint="move or shorten one: story and ad slots may touch "
                                "but not share grid columns and lines")


def _style(ctx: _Ctx, name: str, spec: object, families: set[str] | None = None) -> Style:
    where = ("styles", name)
    if not isinstance(spec, dict):
        raise ctx.error("a style must be a mapping", *where,
                        hint="e.g. {family: serif, size: 9, leading: 13}")
    ctx.mapping(spec, STYLE_KEYS, *where)
    size = ctx.length(spec.get("size", 10), "pt", *TYPE_SIZE, *where, "size")
    color = tuple(float(c) / 100 for c in ctx.cmyk(spec.get("color", [0, 0, 0, 100]),
                                                    *where, "color"))
    family = ctx.text(spec.get("family", "serif"), *where, "family")
    if families is not None and family not in families:
        raise ctx.error(f"unknown font family {family!r}", *where, "family",
                        hint=f"the fonts folder's fonts.yaml has: {', '.join(sorted(families))}")
    return Style(
        name=name, family=family, size=size,
        leading=ctx.length(spec.get("leading", size * 1.25), "pt", *LEADING, *where,
                           "leading"),
        bold=ctx.flag(spec.get("bold", False), *where, "bold"),
        italic=ctx.flag(spec.get("italic", False), *where, "italic"),
        color=(color[0], color[1], color[2], color[3]),
        align=ctx.choice(spec.get("align", "left"), ALIGNS, *where, "align"),
        indent=ctx.length(spec.get("indent", 0), "mm", *INDENT, *where, "indent"),
        hyphenate=_edges(ctx, spec.get("hyphenate"), ("en", "bn"), *where, "hyphenate"),
    )
