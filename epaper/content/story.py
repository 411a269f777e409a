"""A story file (Markdown with YAML front matter) into a Story."""

from __future__ import annotations

import hashlib
from pathlib import Path

from epaper.content import fields
from epaper.content.clean import clean, clean_lines
from epaper.content.markdown import parse_body
from epaper.content.paths import inside
from epaper.content.photos import PhotoFileError, read_header
from epaper.errors import ContentError
from epaper.model.edition import Cleanup, Photo, Story
from epaper.yamlio import Located, load_yaml, read_text

TEXT_FIELDS = ("headline", "kicker", "subheadline", "byline", "dateline", "source")
KNOWN = set(TEXT_FIELDS) | {"lang", "photos"}
PHOTO_KNOWN = ("file", "caption", "credit", "focus")
LANGS = ("bn", "en")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, line the body starts on)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError("a story file must start with a '---' front matter block",
                           file=path, line=1, hint="put headline: etc. between two '---' lines")
    for k in range(1, len(lines)):
        if lines[k].strip() == "---":
            return "".join(lines[1:k]), "".join(lines[k + 1:]), k + 2
    raise ContentError("the front matter block is not closed with '---'", file=path, line=1)


def load_story(path: Path, root: Path, default_lang: str) -> Story:
    text = read_text(path, ContentError, "story file")
    front, body, body_line = split_front_matter(text.lstrip("\ufeff"), path)
    meta = load_yaml(front, path, ContentError, line_offset=1, strict=True)
    data = meta.data
    if not isinstance(data, dict):
        raise ContentError("the front matter must be a mapping of fields", file=path, line=2)
    for key in data:
        if key not in KNOWN:
            raise ContentError(f"unknown field {key!r}", file=path, line=meta.line(key),
                               field=str(key), hint=f"known fields: {', '.join(sorted(KNOWN))}")
    values = {name: fields.text(meta, data.get(name), (name,), name) for name in TEXT_FIELDS}
    if not values["headline"].strip():
        raise ContentError("missing headline", file=path, line=meta.line("headline") or 2,
                           field="headline", hint="every story needs 'headline: ...'")
    texts = {}
    cleanups: list[Cleanup] = []
    for name in TEXT_FIELDS:
        text, done = clean(" ".join(values[name].split()))
        texts[name] = text
        cleanups += [Cleanup(meta.line(name) or 1, name, rule, n) for rule, n in done]
    lang = data.get("lang", default_lang)
    if lang not in LANGS:
        raise ContentError(f"unknown language {lang!r}", file=path, line=meta.line("lang"),
                           field="lang", hint="use bn or en")
    photos = _photos(meta, path, root, cleanups)
    body, done = clean_lines(body, body_line, "body")
    blocks = parse_body(body, body_line)
    story = Story(id=path.stem, path=path, lang=lang, photos=photos, blocks=blocks,
                  cleanups=tuple(cleanups + done), **texts)
    _refuse_bijoy(story, meta)
    return story


def _refuse_bijoy(story: Story, meta: Located) -> None:
    """Legacy Bijoy (SutonnyMJ) text would print as Latin garbage: stop and say how to
    convert it, naming the first place it was seen."""
    from epaper.content.bijoy import bijoy_words, looks_like_bijoy

    places = [(name, meta.line(name), getattr(story, name)) for name in TEXT_FIELDS]
    places += [("body", b.line, b.text) for b in story.blocks]
    places += [(f"photos[{i}].caption", meta.line("photos", i, "caption"), p.caption)
               for i, p in enumerate(story.photos)]
    for field, line, text in places:
        if text and looks_like_bijoy(text):
            sample = " ".join(bijoy_words(text)[:4])
            raise ContentError(
                f"this looks like legacy Bijoy (SutonnyMJ) text, not Unicode: {sample!r}",
                file=story.path, line=line or None, field=field,
                hint=f"convert the file first: epaper convert-bijoy {story.path}")


def _photos(meta: Located, path: Path, root: Path, cleanups: list[Cleanup]
            ) -> tuple[Photo, ...]:
    raw = meta.data.get("photos")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ContentError("photos must be a list", file=path, line=meta.line("photos"),
                           field="photos")
    photos = []
    for i, item in enumerate(raw):
        line = meta.line("photos", i)
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, dict) or "file" not in item:
            raise ContentError("each photo needs a 'file'", file=path, line=line,
                               field=f"photos[{i}]")
        fields.mapping(meta, item, ("photos", i), f"photos[{i}]", PHOTO_KNOWN, "a photo")
        photo_path = inside(root, path.parent, item["file"], file=path,
                            line=meta.line("photos", i, "file"), field=f"photos[{i}].file")
        focus = _focus(item.get("focus", [0.5, 0.5]), path, meta.line("photos", i, "focus"), i)
        size, digest = probe_image(photo_path, path, meta.line("photos", i, "file"),
                                   f"photos[{i}].file")
        texts = []
        for key in ("caption", "credit"):
            value = fields.text(meta, item.get(key), ("photos", i, key), f"photos[{i}].{key}")
            text, done = clean(" ".join(value.split()))
            texts.append(text)
            cleanups += [Cleanup(meta.line("photos", i, key) or line or 1,
                                 f"photos[{i}].{key}", rule, n) for rule, n in done]
        photos.append(Photo(photo_path, texts[0], texts[1], focus, size, digest))
    return tuple(photos)


def _focus(value: object, path: Path, line: int | None, i: int) -> tuple[float, float]:
    ok = (isinstance(value, list | tuple) and len(value) == 2
          and all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1
                  for v in value))
    if not ok:
        raise ContentError("focus must be [x, y] with both between 0 and 1", file=path,
                           line=line, field=f"photos[{i}].focus")
    assert isinstance(value, list | tuple)
    return (float(value[0]), float(value[1]))


def probe_image(photo: Path, named_in: Path, line: int | None, field: str
                ) -> tuple[tuple[int, int], str]:
    """Check the photo is a whole image we can print, from its header and structure
    (no decoding); return its upright pixel size (EXIF orientation applied: crops and
    focus points are in what the desk sees) and a content digest."""
    try:
        data = photo.read_bytes()
    except FileNotFoundError:
        raise ContentError(f"photo not found: {photo}", file=named_in, line=line,
                           field=field) from None
    except OSError as exc:
        raise ContentError(f"cannot read photo {photo}: {exc.strerror}", file=named_in,
                           line=line, field=field) from None
    try:
        header = read_header(data, photo.name)
    except PhotoFileError as exc:
        raise ContentError(exc.message, file=named_in, line=line, field=field,
                           hint=exc.hint) from None
    return header.size, hashlib.sha256(data).hexdigest()
