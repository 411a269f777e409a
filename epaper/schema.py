"""JSON Schemas for the files a desk writes — edition.yaml, a story's front matter, a
template set — built from the loaders' own field lists and limits, so that an editor's
completion and checks (the YAML language server) agree with `epaper check`.

The schemas check what a schema can: fields, types, ranges, choices. What needs the
files themselves (a story file that is missing, a slot the template set does not have,
a character no font has, a page's width given by the page it extends) is left to
`epaper check`. The shipped copies in epaper/schemas/ are these, written by
`python -m epaper.schema --write` (a test keeps them equal).
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from typing import Any

from epaper.content import edition as ed
from epaper.content import story as st
from epaper.model.template import SLOT_ROLES
from epaper.templates import loader as tl

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("edition", "story", "template")

Schema = dict[str, Any]

# A text field: text, or a plain number taken as written (`volume: 8`); true/false,
# lists and mappings are refused (content/fields.py).
TEXT: Schema = {"type": ["string", "number"]}
OPTIONAL_TEXT: Schema = {"type": ["string", "number", "null"]}
NAME: Schema = {"type": "string", "pattern": r"\S"}  # a slot name, a path: not blank
LENGTH_TEXT = r"^\s*-?\d+(\.\d+)?\s*(mm|pt|cm|in)?\s*$"


def _object(properties: dict[str, Schema], required: tuple[str, ...] = (),
            description: str = "") -> Schema:
    out: Schema = {"type": "object", "properties": properties,
                   "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if description:
        out["description"] = description
    return out


def _number(lo: float, hi: float, description: str = "", whole: bool = False) -> Schema:
    out: Schema = {"type": "integer" if whole else "number", "minimum": lo, "maximum": hi}
    if description:
        out["description"] = description
    return out


def _length(lo: float, hi: float, unit: str, description: str = "") -> Schema:
    """A bare number in `unit` within [lo, hi], or a string with a unit ("12mm")."""
    return {"description": (description + " " if description else "") +
            f"({unit}; or a string with a unit, e.g. \"12{unit}\")",
            "anyOf": [{"type": "number", "minimum": lo, "maximum": hi},
                      {"type": "string", "pattern": LENGTH_TEXT}]}


def _choices(values: tuple[str, ...] | set[str]) -> Schema:
    return {"enum": sorted(values) if isinstance(values, set) else list(values)}


def _list_of(item: Schema) -> Schema:
    return {"type": ["array", "null"], "items": item}


# -- edition.yaml ----------------------------------------------------------------------------

def edition_schema() -> Schema:
    paper = _object({k: OPTIONAL_TEXT for k in ed.PAPER_FIELDS},
                    description="overrides of the template set's paper identity")
    cont = {"anyOf": [{"type": "integer", "minimum": 1},
                      _object({"page": {"type": "integer", "minimum": 1},
                               "slot": {"anyOf": [NAME, {"type": "null"}]}},
                              ("page",))],
            "description": "the page (and slot) the rest of the story goes to"}
    story = {"anyOf": [{**NAME, "description": "a story file, relative to edition.yaml"},
                       _object({"file": NAME, "slot": {"anyOf": [NAME, {"type": "null"}]},
                                "shape": {"anyOf": [NAME, {"type": "null"}],
                                          "description": "on an auto page: the shape it "
                                          "must take"},
                                "continue": cont}, ("file",))]}
    ad = _object({"slot": NAME, "file": NAME}, ("slot", "file"))
    page = _object({"template": {"anyOf": [NAME, {"type": "number"}],
                                 "description": "a page template of the set"},
                    "section": OPTIONAL_TEXT, "stories": _list_of(story),
                    "ads": _list_of(ad), "mono": {"type": "boolean"},
                    "auto": {"type": "boolean", "description": "lay the page out from the "
                             "template's story shapes"}}, ("template",))
    assert set(page["properties"]) == ed.PAGE_KNOWN
    props: dict[str, Schema] = {
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date",
                 "description": "the edition's day, e.g. 2026-12-07"},
        "layout": {**NAME, "description": "a shipped template set (broadsheet, tabloid) or "
                   "a .yaml file in the edition folder"},
        "lang": {**_choices(st.LANGS), "description": "the stories' default language"},
        "hijri_offset": _number(-3, 3, "days to shift the Hijri date", whole=True),
        "paper": paper,
        "pages": {"type": "array", "minItems": 1, "items": page},
        "print": _object({"profile": NAME}, ("profile",),
                         "the printer's own CMYK output profile (.icc)"),
    }
    assert set(props) == ed.KNOWN
    return _document("edition", "An epaper edition (edition.yaml)",
                     _object(props, ("date", "layout", "pages")))


# -- story front matter ----------------------------------------------------------------------

def story_schema() -> Schema:
    photo = _object({"file": NAME, "caption": OPTIONAL_TEXT, "credit": OPTIONAL_TEXT,
                     "focus": {"type": "array", "minItems": 2, "maxItems": 2,
                               "items": _number(0, 1), "description": "[x, y] to keep "
                               "when cropping"}}, ("file",))
    assert set(photo["properties"]) == set(st.PHOTO_KNOWN)
    props: dict[str, Schema] = {name: OPTIONAL_TEXT for name in st.TEXT_FIELDS}
    props["headline"] = {"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "number"}],
                         "description": "required"}
    props["lang"] = _choices(st.LANGS)
    props["photos"] = _list_of({"anyOf": [NAME, photo]})
    assert set(props) == st.KNOWN
    return _document("story", "The front matter of an epaper story file (between the "
                     "--- lines)", _object(props, ("headline",)))


# -- template sets ---------------------------------------------------------------------------

def _cmyk(description: str) -> Schema:
    return {"type": "array", "minItems": 4, "maxItems": 4, "items": _number(0, 100),
            "description": description + " (CMYK, percent)"}


def _style() -> Schema:
    props = {
        "family": {**TEXT, "description": "a family of the fonts folder's fonts.yaml"},
        "size": _length(*tl.TYPE_SIZE, "pt"), "leading": _length(*tl.LEADING, "pt"),
        "bold": {"type": "boolean"}, "italic": {"type": "boolean"},
        "color": _cmyk("text colour"), "align": _choices(tl.ALIGNS),
        "indent": _length(*tl.INDENT, "mm", "first-line indent"),
        "hyphenate": {"type": ["array", "null"], "items": _choices(("en", "bn"))},
    }
    assert set(props) == tl.STYLE_KEYS
    return _object(props)


def _grid_length(minimum: float, exclusive: bool = False) -> Schema:
    number: Schema = {"type": "number", ("exclusiveMinimum" if exclusive else "minimum"):
                      minimum}
    return {"description": "baseline-grid lines, or a length such as \"85mm\"",
            "anyOf": [number, {"type": "string", "pattern": LENGTH_TEXT}]}


def _slot() -> Schema:
    headline = _object({"size": {"type": "array", "minItems": 2, "maxItems": 2,
                                 "items": _number(*tl.TYPE_SIZE)},
                        "lines": _number(*tl.HEADLINE_LINES, whole=True)})
    photo = _object({"position": _choices(tl.PHOTO_POSITIONS),
                     "height": {"type": "array", "minItems": 2, "maxItems": 2,
                                "items": _grid_length(0)},
                     "span": {"type": "integer", "minimum": 0}})
    props = {
        "role": _choices(SLOT_ROLES), "col": {"type": "integer", "minimum": 1},
        "span": {"type": "integer", "minimum": 1}, "top": _grid_length(0),
        "height": _grid_length(0, exclusive=True),
        "columns": _number(*tl.SLOT_COLUMNS, whole=True), "headline": headline,
        "photo": photo, "rules": {"type": ["array", "null"], "items": _choices(tl.RULE_EDGES)},
        "headline_style": TEXT, "title": OPTIONAL_TEXT,
        "bleed": {"type": ["array", "null"], "items": _choices(tl.EDGES)},
        "fill": {"anyOf": [_cmyk("background tint"), {"type": "null"}]},
    }
    assert set(props) == tl.SLOT_KEYS
    return _object(props)


def _span_range(unit: str) -> Schema:
    return {"anyOf": [{"type": "integer", "minimum": 1},
                      {"type": "array", "minItems": 2, "maxItems": 2,
                       "items": {"type": "integer", "minimum": 1}}],
            "description": f"{unit}: a number or [min, max]"}


def _shape() -> Schema:
    slot = _slot()["properties"]
    props = {
        "span": _span_range("grid columns"),
        "depth": {"type": "array", "minItems": 2, "maxItems": 2,
                  "items": {"type": "integer", "minimum": 1},
                  "description": "[min, max] grid lines"},
        "columns": _number(*tl.SLOT_COLUMNS, whole=True), "headline": slot["headline"],
        "photo": {"anyOf": [slot["photo"], {"enum": ["none"]}, {"type": "null"}]},
        "headline_style": TEXT, "lead": {"type": "boolean"},
        "rules": {"type": ["array", "null"], "items": _choices(("columns",))},
    }
    assert set(props) == tl.SHAPE_KEYS
    return _object(props)


def _shapes() -> Schema:
    return {"type": ["object", "null"], "additionalProperties": {"$ref": "#/$defs/shape"},
            "description": "the shapes a story may take on an auto page"}


def _page(template: bool) -> Schema:
    margins = _object({e: _length(*tl.MARGIN, "mm") for e in tl.EDGES})
    props: dict[str, Schema] = {
        "width": _length(*tl.PAGE_SIZE, "mm"), "height": _length(*tl.PAGE_SIZE, "mm"),
        "margins": margins, "bleed": _length(*tl.BLEED, "mm"),
        "columns": _number(*tl.GRID_COLUMNS, whole=True), "gutter": _length(*tl.GUTTER, "mm"),
        "baseline": _length(*tl.BASELINE, "pt", "the body leading"),
    }
    if template:
        props["extends"] = {"type": "string", "description": "a page template to inherit"}
        props["slots"] = {"type": ["object", "null"],
                          "additionalProperties": {"anyOf": [{"$ref": "#/$defs/slot"},
                                                             {"type": "null"}]}}
        props["shapes"] = _shapes()
        free = {k: {"type": "integer", "minimum": 0 if k == "top" else 1}
                for k in sorted(tl.FREE_KEYS)}
        props["free"] = _object(free, description="an auto page's free area, on the grid")
        assert set(props) == tl.PAGE_KEYS
    return _object(props)


def template_schema() -> Schema:
    images = _object({"min_ppi": _number(*tl.PPI), "floor_ppi": _number(*tl.PPI),
                      "target_ppi": _number(*tl.TARGET_PPI),
                      "screen_ppi": _number(*tl.SCREEN_PPI)})
    printing = _object({"profile": {"type": "string"},
                        "ink_limit": _number(*tl.INK_LIMIT, "total ink, percent"),
                        "slug": _length(*tl.SLUG, "mm"),
                        "min_text_size": _length(*tl.MIN_TEXT, "pt"),
                        "hairline": _length(*tl.HAIRLINE, "pt")})
    assert set(images["properties"]) == tl.IMAGE_KEYS
    assert set(printing["properties"]) == tl.PRINT_KEYS
    props: dict[str, Schema] = {
        "name": TEXT, "fonts": {**NAME, "description": "the fonts folder (holds fonts.yaml)"},
        "paper": _object({k: OPTIONAL_TEXT for k in tl.PAPER_KEYS}), "images": images,
        "print": printing,
        "underset_tolerance": _number(*tl.UNDERSET, "grid lines", whole=True),
        "loose_ratio": _number(*tl.LOOSE_RATIO),
        "styles": {"type": "object", "additionalProperties": {"$ref": "#/$defs/style"},
                   "required": list(tl.REQUIRED_STYLES)},
        "page": _page(template=False),
        "pages": {"type": ["object", "null"],
                  "additionalProperties": {"$ref": "#/$defs/page"}},
        "shapes": _shapes(),
    }
    assert set(props) == tl.TOP_KEYS
    schema = _document("template", "An epaper template set (layouts/*.yaml)",
                       _object(props, ("styles",)))
    schema["$defs"] = {"style": _style(), "slot": _slot(), "page": _page(template=True),
                       "shape": _shape()}
    return schema


def _document(name: str, title: str, body: Schema) -> Schema:
    return {"$schema": DRAFT, "title": title, **body}


BUILDERS = {"edition": edition_schema, "story": story_schema, "template": template_schema}


def build(name: str) -> Schema:
    return BUILDERS[name]()


def text(name: str) -> str:
    return json.dumps(build(name), ensure_ascii=False, indent=2) + "\n"


def shipped(name: str) -> str:
    """The schema as shipped in the package (epaper/schemas/NAME.schema.json)."""
    return (resources.files("epaper") / "schemas" / f"{name}.schema.json").read_text(
        encoding="utf-8")


def main(argv: list[str]) -> None:
    """`--write`: write the shipped copies from the loaders (run after changing a field)."""
    if argv != ["--write"]:
        raise SystemExit("usage: python -m epaper.schema --write")
    folder = resources.files("epaper") / "schemas"
    for name in NAMES:
        path = folder / f"{name}.schema.json"
        with resources.as_file(path) as real:
            real.parent.mkdir(exist_ok=True)
            real.write_text(text(name), encoding="utf-8")
            print(real)


if __name__ == "__main__":
    main(sys.argv[1:])
