"""A story file (Markdown with YAML front matter) into a Story."""

from __future__ import annotations

import contextvars
import hashlib
import unicodedata
from pathlib import Path
from typing import Protocol

from epaper.content import fields
from epaper.content.clean import clean, clean_lines
from epaper.content.markdown import parse_body
from epaper.content.paths import inside
from epaper.content.photos import PhotoFileError, read_header
from epaper.diagnostics import Diagnostic
from epaper.errors import Collector, ContentError
from epaper.model.edition import Cleanup, Photo, Story
from epaper.yamlio import Located, Pos, load_yaml, read_text

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
    """The story in `path`, or an EpaperError carrying every error found in it."""
    sink = Collector()
    story = read_story(path, root, default_lang, sink)
    sink.check()
    assert story is not None
    return story


class StoryMemo(Protocol):
    """Stories already read, kept by a key of everything reading one depends on (the
    pipeline's cache): a rebuild reads only the story files that changed."""

    def get(self, path: Path, root: Path, default_lang: str
            ) -> tuple[Story, list[Diagnostic]] | None: ...

    def put(self, path: Path, root: Path, default_lang: str, story: Story,
            warnings: list[Diagnostic]) -> None: ...


# Set by a build for the length of its load (a context variable: builds in threads, as
# build-many runs them, each have their own).
MEMO: contextvars.ContextVar[StoryMemo | None] = contextvars.ContextVar("story_memo",
                                                                       default=None)


def read_story(path: Path, root: Path, default_lang: str, sink: Collector) -> Story | None:
    """The story as far as it can be read, each error recorded in `sink`; None when the
    file or its front matter cannot be read at all."""
    memo = MEMO.get()
    if memo is not None:
        found = memo.get(path, root, default_lang)
        if found is not None:
            for warning in found[1]:
                sink.warn(warning)
            return found[0]
    errors, warnings = len(sink.errors), len(sink.warnings)
    with sink.guard():
        story = _read(path, root, default_lang, sink)
        if memo is not None and len(sink.errors) == errors:
            memo.put(path, root, default_lang, story, sink.warnings[warnings:])
        return story
    return None


def _read(path: Path, root: Path, default_lang: str, sink: Collector) -> Story:
    text = read_text(path, ContentError, "story file").lstrip("\ufeff")
    front, body, body_line = split_front_matter(text, path)
    meta = load_yaml(front, path, ContentError, line_offset=1, strict=True)
    data = meta.data
    if not isinstance(data, dict):
        raise ContentError("the front matter must be a mapping of fields", file=path, line=2,
                           hint="write one 'field: value' per line, e.g. headline: \"…\"")
    replacement_chars(text, path, sink)
    lone_marks(text, path, sink)
    for key in data:
        if key not in KNOWN:
            sink.add(ContentError(f"unknown field {key!r}", file=path, line=meta.key_line(key),
                                  field=str(key), code="E-unknown-field",
                                  hint=f"known fields: {', '.join(sorted(KNOWN))}"))
    values = {}
    for name in TEXT_FIELDS:
        values[name] = ""
        with sink.guard():
            values[name] = fields.text(meta, data.get(name), (name,), name)
            _visible(values[name], name, meta)
    if not values["headline"].strip() and not any(e.field == "headline" for e in sink.errors):
        sink.add(ContentError("missing headline", file=path, line=meta.line("headline") or 2,
                              field="headline", code="E-required",
                              hint="every story needs 'headline: ...'"))
    texts = {}
    cleanups: list[Cleanup] = []
    for name in TEXT_FIELDS:
        text, done = clean(" ".join(values[name].split()))
        texts[name] = text
        cleanups += [Cleanup(meta.line(name) or 1, name, rule, n) for rule, n in done]
    lang = data.get("lang", default_lang)
    if lang not in LANGS:
        sink.add(ContentError(f"unknown language {lang!r}", file=path, line=meta.line("lang"),
                              field="lang", hint="use bn or en"))
        lang = default_lang
    photos: tuple[Photo, ...] = ()
    with sink.guard():
        photos = _photos(meta, path, root, cleanups, sink)
    body, body_cleanups = clean_lines(body, body_line, "body")
    blocks = parse_body(body, body_line, lang=lang, file=path, sink=sink)
    story = Story(id=path.stem, path=path, lang=lang, photos=photos, blocks=blocks,
                  cleanups=tuple(cleanups + body_cleanups), **texts)
    with sink.guard():
        _refuse_bijoy(story, meta)
    return story


# Characters that draw nothing: a field made only of these prints as a blank. (A lone
# vowel sign is drawn, on a dotted circle: that is W-lone-mark.)
_INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc"})


def _visible(value: str, name: str, meta: Located) -> None:
    """A field that has characters but none a reader would see (zero-width spaces, joiners,
    direction marks) would print as a blank; say so rather than print it."""
    if not value or not value.strip():
        return
    if all(unicodedata.category(ch) in _INVISIBLE for ch in value):
        found = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in value if not
                                         ch.isspace()))
        raise ContentError(f"{name} has no visible characters (only {found})",
                           file=meta.file, line=meta.line(name), field=name,
                           code="E-invisible",
                           hint="type the text again: it holds only zero-width or format "
                                "characters, which print as nothing")


def replacement_chars(text: str, path: Path, sink: Collector) -> None:
    """U+FFFD stands where a conversion lost a character: the word is broken and must be
    typed again. Each one is an error at its line and column."""
    for k, line in enumerate(text.split("\n"), start=1):
        col = line.find("\ufffd")
        while col >= 0:
            sink.add(ContentError(
                "U+FFFD REPLACEMENT CHARACTER: a character was lost when this text was "
                "converted or pasted", file=path, line=Pos(k, col + 1, col + 2),
                code="E-replacement-char",
                hint="retype the word from the original copy"))
            col = line.find("\ufffd", col + 1)


# What a combining mark may follow: a letter, a number, another mark, ZWJ/ZWNJ, or the
# dotted circle a desk types to show a sign on its own.
_BASES = ("L", "N", "M")
_JOINERS = frozenset("\u200c\u200d\u25cc")


def lone_marks(text: str, path: Path, sink: Collector) -> None:
    """A vowel sign or other combining mark with no letter before it (after a space, a
    quote or at a line's start) is printed on a dotted circle: a warning at its place."""
    for k, line in enumerate(text.split("\n"), start=1):
        for col, ch in enumerate(line):
            if not unicodedata.category(ch).startswith("M"):
                continue
            before = line[col - 1] if col else " "
            if before in _JOINERS or unicodedata.category(before)[0] in _BASES:
                continue
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            sink.warn(Diagnostic(
                "warning", "W-lone-mark", f"U+{ord(ch):04X} {name} has no letter before "
                f"it and prints on a dotted circle (◌)", str(path), k, col + 1,
                hint="join it to its letter (delete the space before it) or delete it",
                end_col=col + 2, story=path.stem))


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


def _photos(meta: Located, path: Path, root: Path, cleanups: list[Cleanup],
            sink: Collector) -> tuple[Photo, ...]:
    raw = meta.data.get("photos")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ContentError("photos must be a list", file=path, line=meta.line("photos"),
                           field="photos", code="E-type",
                           hint="photos:\n  - file: ../photos/x.jpg\n    caption: \"…\"")
    photos = []
    for i, item in enumerate(raw):
        with sink.guard():
            photos.append(_photo(meta, path, root, cleanups, i, item))
    return tuple(photos)


def _photo(meta: Located, path: Path, root: Path, cleanups: list[Cleanup], i: int,
           item: object) -> Photo:
    line = meta.line("photos", i)
    if isinstance(item, str):
        item = {"file": item}
    if not isinstance(item, dict) or "file" not in item:
        raise ContentError("each photo needs a 'file'", file=path, line=line,
                           field=f"photos[{i}]", code="E-required")
    fields.mapping(meta, item, ("photos", i), f"photos[{i}]", PHOTO_KNOWN, "a photo")
    file_line = meta.line("photos", i, "file")
    photo_path = inside(root, path.parent, item["file"], file=path, line=file_line,
                        field=f"photos[{i}].file")
    focus = _focus(item.get("focus", [0.5, 0.5]), path, meta.line("photos", i, "focus"), i)
    size, digest = probe_image(photo_path, path, file_line, f"photos[{i}].file")
    texts = []
    for key in ("caption", "credit"):
        value = fields.text(meta, item.get(key), ("photos", i, key), f"photos[{i}].{key}")
        text, done = clean(" ".join(value.split()))
        texts.append(text)
        cleanups += [Cleanup(meta.line("photos", i, key) or line or 1,
                             f"photos[{i}].{key}", rule, n) for rule, n in done]
    return Photo(photo_path, texts[0], texts[1], focus, size, digest, file_line or 0)


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
                           field=field, code="E-missing-file",
                           hint="check the file name; paths are relative to the file that "
                                "names them") from None
    except IsADirectoryError:
        raise ContentError(f"{photo} is a folder, not an image", file=named_in, line=line,
                           field=field, hint="name the image file inside it") from None
    except OSError as exc:
        raise ContentError(f"cannot read photo {photo}: {exc.strerror}", file=named_in,
                           line=line, field=field) from None
    try:
        header = read_header(data, photo.name)
    except PhotoFileError as exc:
        raise ContentError(exc.message, file=named_in, line=line, field=field,
                           hint=exc.hint) from None
    return header.size, hashlib.sha256(data).hexdigest()
