"""The shipped JSON Schemas say what the loaders say: the sample, every shipped template
set and every case of the bad-input corpus get the same verdict from both, except the
cases listed in BEYOND_SCHEMA (what only the files themselves can tell), which the
loaders refuse and the schemas let through."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import LAYOUTS, ROOT, SAMPLES
from test_bad_input import BAD_EDITS
from test_content_errors import (
    DUPLICATES,
    NOT_SLOT_NAMES,
    NOT_TEXT,
    PLAIN_NUMBERS,
    TWO_PAGES,
    WRONG_SHAPES,
    YAML_TAGS,
)
from test_template_errors import CASES, write_set

from epaper.check import load
from epaper.content.story import split_front_matter
from epaper.errors import EpaperError
from epaper.schema import NAMES, shipped, text
from epaper.templates.loader import load_template_set


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(shipped(name))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


VALIDATORS = {name: validator(name) for name in NAMES}


def as_json(value: object) -> object:
    """YAML data as a YAML 1.2 editor (the language server) sees it: dates are text and
    keys are strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_accepts(name: str, text: str) -> bool:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # ValueError: an impossible date
        return False  # the editor shows a YAML error: refused all the same
    return VALIDATORS[name].is_valid(as_json(data))


def edition_accepted_by_schemas(root: Path) -> bool:
    """edition.yaml, the front matter of every story it lists and a template set of its
    own, each by its schema."""
    source = (root / "edition.yaml").read_text(encoding="utf-8")
    if not schema_accepts("edition", source):
        return False
    data = yaml.safe_load(source)
    for page in data["pages"]:
        for entry in page.get("stories") or []:
            path = root / (entry if isinstance(entry, str) else entry["file"])
            if path.is_file():
                front, _body, _line = split_front_matter(path.read_text(encoding="utf-8"),
                                                         path)
                if not schema_accepts("story", front):
                    return False
    layout = root / str(data.get("layout"))
    return not layout.is_file() or schema_accepts("template", layout.read_text("utf-8"))


def loader_accepts(root: Path) -> bool:
    try:
        load(root)
    except EpaperError:
        return False
    return True


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _ids(params: list, prefix: str) -> list[tuple[str, tuple]]:
    out = []
    for k, p in enumerate(params):
        values = p.values if hasattr(p, "values") else p
        out.append((f"{prefix}-{p.id if getattr(p, 'id', None) else k}", tuple(values)))
    return out


# (id, file, old, new) for every content case of the corpus.
CONTENT = (
    [(i, v[0], v[1], v[2]) for i, v in _ids(BAD_EDITS, "bad")]
    + [(i, v[0], v[1], v[2]) for i, v in _ids(WRONG_SHAPES, "shape")]
    + [(i, v[0], v[1], v[2]) for i, v in _ids(NOT_TEXT, "text")]
    + [(i, v[0], v[1], v[2]) for i, v in _ids(PLAIN_NUMBERS, "number")]
    + [(i, v[0], v[1], v[1] + v[2]) for i, v in _ids(DUPLICATES, "twice")]
    + [(i, v[0], v[1], v[2]) for i, v in _ids(NOT_SLOT_NAMES, "slot")]
    + [(i, v[0], v[1], v[2]) for i, v in _ids(YAML_TAGS, "tag")]
)

# What the loaders refuse and a schema cannot see, and why.
BEYOND_SCHEMA = {
    # The files themselves: which templates and slots the set has, which characters
    # its fonts cover, what the YAML text holds beyond its data.
    "bad-unknown-slot": "the template set's slots",
    "bad-two-stories-in-one-slot": "the template set's slots",
    "bad-tibetan-character-not-in-any-font": "the fonts' coverage",
    "bad-emoji-not-in-any-font": "the fonts' coverage",
    "bad-uncovered-character-in-headline": "the fonts' coverage",
    "bad-uncovered-character-in-caption": "the fonts' coverage",
    "bad-uncovered-character-in-section": "the fonts' coverage",
    "bad-uncovered-character-in-source": "the fonts' coverage",
    # PyYAML reads an unquoted date as a date (YAML 1.1); an editor's YAML 1.2 reads
    # text, so the schema cannot tell a headline "2026-12-07" from any other.
    "text-headline-date": "YAML 1.1 dates",
    # A key given twice: YAML keeps the last one, so the data looks right.
    "twice-0": "a duplicate key", "twice-1": "a duplicate key", "twice-2": "a duplicate key",
    "twice-3": "a duplicate key",
    # Tags are refused in edition files; the data !!str makes is plain text.
    "tag-3": "a YAML tag",
}
TEMPLATE_BEYOND = {
    # One field against another, or against the files: what the loader works out.
    "margins-eat-the-page": "margins against the page size",
    "columns-too-narrow": "column width from columns, gutter and margins",
    "text-columns-too-narrow": "text columns against the slot's width",
    "col-past-grid": "col + span against the page's columns",
    "story-slots-overlap": "two slots' positions",
    "slot-below-type-area": "top + height against the type area",
    "photo-taller-than-slot": "the photo's height against the slot's",
    "photo-span-too-wide": "the photo's span against the slot's text columns",
    "headline-size-reversed": "a range's order: [min, max]",
    "floor-above-min": "floor_ppi against min_ppi",
    "fonts-folder-missing": "the fonts folder",
    # JSON Schema's range tests are false for NaN, so NaN passes them all.
    "style-size-nan": "NaN",
}


@pytest.mark.parametrize("case, file, old, new", CONTENT, ids=[c[0] for c in CONTENT])
def test_schema_and_loader_agree_on_the_content_corpus(make_edition, case, file, old, new):
    if "page: 2" in new:
        edit(make_edition / "edition.yaml", TWO_PAGES[0],
             TWO_PAGES[0] + "  - template: inside\n")
    edit(make_edition / file, old, new)
    loader, schema = loader_accepts(make_edition), edition_accepted_by_schemas(make_edition)
    if case in BEYOND_SCHEMA:
        assert (loader, schema) == (False, True), BEYOND_SCHEMA[case]
    else:
        assert schema == loader, f"loader {'accepts' if loader else 'refuses'}"


@pytest.mark.parametrize("case, old, new", [c[:3] for c in CASES], ids=[c[0] for c in CASES])
def test_schema_and_loader_agree_on_the_template_corpus(tmp_path, case, old, new):
    path, _line = write_set(tmp_path, old, new)
    try:
        load_template_set(path)
        loader = True
    except EpaperError:
        loader = False
    schema = schema_accepts("template", path.read_text(encoding="utf-8"))
    if case in TEMPLATE_BEYOND:
        assert (loader, schema) == (False, True), TEMPLATE_BEYOND[case]
    else:
        assert schema == loader, f"loader {'accepts' if loader else 'refuses'}"


def test_the_mini_edition_is_accepted_by_both(make_edition):
    assert loader_accepts(make_edition) and edition_accepted_by_schemas(make_edition)


def test_the_sample_is_accepted():
    assert edition_accepted_by_schemas(SAMPLES)
    for story in sorted((SAMPLES / "stories").glob("*.md")):
        front, _body, _line = split_front_matter(story.read_text(encoding="utf-8"), story)
        assert schema_accepts("story", front), story.name


@pytest.mark.parametrize("layout", sorted(LAYOUTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_template_set_is_accepted(layout):
    assert schema_accepts("template", layout.read_text(encoding="utf-8"))
    load_template_set(layout)


def test_no_stale_exceptions():
    """Every case named as beyond a schema is in the corpus."""
    assert set(BEYOND_SCHEMA) <= {c[0] for c in CONTENT}
    assert set(TEMPLATE_BEYOND) <= {c[0] for c in CASES}


@pytest.mark.parametrize("name", NAMES)
def test_shipped_schemas_are_the_loaders(name):
    """The files in the package are what epaper.schema builds from the loaders' limits
    (after changing a field: python -m epaper.schema --write)."""
    assert shipped(name) == text(name)


@pytest.mark.parametrize("name", NAMES)
def test_cli_prints_a_schema(name):
    proc = subprocess.run([sys.executable, "-m", "epaper", "schema", name],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stdout == shipped(name)
    assert json.loads(proc.stdout)["$schema"].endswith("2020-12/schema")
