"""Read YAML safely, keeping the line of every mapping key for error messages.

Edition files (edition.yaml, story front matter) are read `strict`: they are plain
data a desk types, so YAML's programmer features are refused with the line they are on
instead of being half-understood — anchors and aliases (`&a`, `*a`: a few lines of
them expand to millions of values), tags (`!!binary`, `!bn`) and a key given twice
(YAML keeps the last one silently). Template sets keep anchors and tags; every YAML
file is walked one node at a time, each node once, so shared nodes cost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from epaper.errors import EpaperError

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class Pos(int):
    """A 1-based line number that also knows the 1-based columns its YAML entry spans on
    that line (`col`, `end`: exclusive). It is an int everywhere lines are used; an
    EpaperError given one as its `line` puts the caret under the entry."""

    col: int | None
    end: int | None

    def __new__(cls, line: int, col: int | None = None, end: int | None = None) -> Pos:
        pos = super().__new__(cls, line)
        pos.col, pos.end = col, end
        return pos


def _span(start: yaml.Mark, end: yaml.Mark, offset: int) -> Pos:
    """From `start` to `end` if they are on one line, else the start's line to its end."""
    stop = end.column + 1 if end.line == start.line else None
    return Pos(start.line + 1 + offset, start.column + 1, stop)


@dataclass
class Located:
    """Parsed YAML plus a map from key paths such as ("pages", 0, "template") to lines."""

    data: Any
    lines: dict[tuple[object, ...], int]
    file: Path
    # The text of every plain (unquoted) scalar as written, by path: `volume: 08` is the
    # integer 8 to YAML, but the desk wrote "08".
    written: dict[tuple[object, ...], str] = field(default_factory=dict)
    # Where each mapping entry is written whole (`key: value` on its line), for errors
    # about the key itself (unknown, given twice).
    keys: dict[tuple[object, ...], int] = field(default_factory=dict)

    def line(self, *path: object) -> int | None:
        """The line of the value at `path` (a Pos whose columns span the value when it is
        on the key's line), or of the nearest enclosing entry that is there."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def key_line(self, *path: object) -> int | None:
        """The line of the entry `path` names, its columns spanning `key: value`."""
        return self.keys.get(path) or self.line(*path)


ANCHOR_HINT = ("write the value out in full; edition files do not use YAML anchors "
               "(&name) or aliases (*name)")
TAG_HINT = "remove the tag and write the value as plain text, in quotes if needed"


class _Strict:
    """A loader that notes every node written with an anchor (`&a`) or a tag (`!!x`),
    for the walk to refuse at its path. Composing shares an aliased node (nothing is
    expanded) and the walk meets an anchor before any alias to it, so an alias bomb is
    refused at its first line, in no time."""

    refused: dict[int, tuple[str, yaml.Mark, str]]

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        anchor = None if isinstance(event, yaml.AliasEvent) else getattr(event, "anchor", None)
        tag = getattr(event, "tag", None)
        node = super().compose_node(parent, index)  # type: ignore[misc]
        if node.tag == "tag:yaml.org,2002:merge":  # `<<:` merges a mapping in: a hidden key
            self.refused.setdefault(id(node), ("YAML merge keys (<<) are not allowed",
                                               event.start_mark, ANCHOR_HINT))
        elif anchor:
            self.refused.setdefault(id(node), (f"YAML anchor &{anchor} is not allowed",
                                               event.start_mark, ANCHOR_HINT))
        elif tag is not None:
            self.refused.setdefault(id(node), (f"YAML tags are not allowed (found "
                                               f"{_short_tag(tag)})", event.start_mark,
                                               TAG_HINT))
        return node  # type: ignore[no-any-return]


class _StrictLoader(_Strict, yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.refused = {}


# libyaml scans and parses ten times faster than PyYAML (the template set and fonts.yaml
# were 0.1 s of every build); PyYAML's own Composer still builds the nodes, so the strict
# loader's hook runs unchanged. A text libyaml refuses, or that the fast path finds wrong
# in any way, is read again by PyYAML, so every error reads as it always has.
try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: the Python loaders alone
    CParser = None

if CParser is not None:
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _FastLoader(Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    class _FastStrictLoader(_Strict, _FastLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.refused = {}


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith(
        "tag:yaml.org,2002:") else tag


def field_name(path: tuple[object, ...]) -> str:
    """("pages", 0, "section") → "pages[0].section"."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) and not isinstance(p, bool) else (
            f".{p}" if out else str(p))
    return out


class _Walker:
    """Lines (and, for plain scalars, the written text) of every path, each node once."""

    def __init__(self, file: Path, error: type[EpaperError], line_offset: int,
                 refused: dict[int, tuple[str, yaml.Mark, str]] | None) -> None:
        self.file, self.error, self.offset = file, error, line_offset
        self.strict = refused is not None
        self.refused = refused or {}
        self.lines: dict[tuple[object, ...], int] = {}
        self.keys: dict[tuple[object, ...], int] = {}
        self.written: dict[tuple[object, ...], str] = {}
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def key(self, node: yaml.Node, path: tuple[object, ...]) -> object:
        """The key as the data will have it (`5:` is the integer 5, `yes:` is True)."""
        line = _span(node.start_mark, node.end_mark, self.offset)
        self.refuse(node, path)
        if not isinstance(node, yaml.ScalarNode):
            raise self.error("a key must be a plain name, not a list or mapping",
                             file=self.file, line=line, field=field_name(path) or None,
                             hint="write 'name: value' (YAML's '? ' complex keys are not "
                                  "used here)")
        try:
            key = self.constructor.construct_object(node)
            hash(key)
        except Exception:  # an impossible date as a key, a merge key: keep the text
            key = node.value
        return key

    def refuse(self, node: yaml.Node, path: tuple[object, ...]) -> None:
        """Strict: stop at a node written with an anchor or a tag."""
        if id(node) in self.refused:
            message, mark, hint = self.refused[id(node)]
            raise self.error(message, file=self.file, line=_span(mark, mark, self.offset),
                             field=field_name(path) or None, hint=hint)

    def walk(self, root: yaml.Node) -> None:
        stack: list[tuple[yaml.Node, tuple[object, ...]]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            self.refuse(node, path)
            self.lines.setdefault(path, _span(node.start_mark, node.end_mark, self.offset))
            if id(node) in self.seen:
                continue
            self.seen.add(id(node))
            if isinstance(node, yaml.ScalarNode):
                if not node.style:  # plain: None from PyYAML, '' from libyaml
                    self.written[path] = node.value
            elif isinstance(node, yaml.MappingNode):
                keys = [self.key(k, path) for k, _v in node.value]
                if self.strict:
                    self._duplicates(node, path, keys)
                for key, (key_node, value) in zip(keys, node.value, strict=True):
                    # The value when it is on the key's line (what a wrong value's caret
                    # points at), else the key; and the whole `key: value` for the key.
                    inline = value.start_mark.line == key_node.start_mark.line
                    whole = value.end_mark if value.end_mark.line == key_node.start_mark.line \
                        else key_node.end_mark
                    self.keys[path + (key,)] = _span(key_node.start_mark, whole, self.offset)
                    self.lines[path + (key,)] = (
                        _span(value.start_mark, value.end_mark, self.offset) if inline
                        else _span(key_node.start_mark, key_node.end_mark, self.offset))
                for key, (_k, value) in reversed(list(zip(keys, node.value, strict=True))):
                    stack.append((value, path + (key,)))
            elif isinstance(node, yaml.SequenceNode):
                for i in reversed(range(len(node.value))):
                    stack.append((node.value[i], path + (i,)))

    def _duplicates(self, node: yaml.MappingNode, path: tuple[object, ...],
                    keys: list[object]) -> None:
        lines: dict[object, Pos] = {}
        for key, (key_node, _value) in zip(keys, node.value, strict=True):
            line = _span(key_node.start_mark, key_node.end_mark, self.offset)
            if key in lines:
                raise self.error(
                    f"{key!r} is given twice, on lines {lines[key]} and {line}",
                    file=self.file, line=line, field=field_name(path + (key,)),
                    hint="keep one of them: YAML would silently use the last")
            lines[key] = line


def _impossible_dates_as_text(node: yaml.Node | None) -> None:
    """Read `date: 2026-13-07` as the text it is, so that the field's own check reports
    it (naming the field) and every other mistake in the file is still found: PyYAML
    would refuse the whole document for one impossible date."""
    while (bad := _bad_scalar(node)) is not None and bad.tag == TIMESTAMP_TAG:
        bad.tag = "tag:yaml.org,2002:str"


def _bad_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar PyYAML cannot construct (an impossible date), each node once."""
    if node is None:
        return None
    constructor = yaml.SafeLoader("")
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.ScalarNode):
            try:
                constructor.construct_object(n)
            except (ValueError, yaml.YAMLError):
                return n
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(reversed(n.value))
        elif isinstance(n, yaml.MappingNode):
            stack.extend(reversed([v for pair in n.value for v in pair]))
    return None


def _syntax_error(exc: yaml.YAMLError, text: str, file: Path, error: type[EpaperError],
                  offset: int) -> EpaperError:
    """Where PyYAML found the problem (its line and column, as it says them), and where
    the construct it was reading began. Only when the problem is the end of the text (an
    unclosed quote or bracket) is the beginning the place to fix, and the caret goes there."""
    problem = str(getattr(exc, "problem", None) or exc)
    mark: yaml.Mark | None = getattr(exc, "problem_mark", None)
    context: yaml.Mark | None = getattr(exc, "context_mark", None)
    what = str(getattr(exc, "context", None) or "").removeprefix("while ")
    at_end = mark is not None and mark.index >= len(text.rstrip())
    message = f"YAML syntax error: {problem}"
    if context is not None and what and (at_end or mark is None):
        mark, context = context, None
        message = f"YAML syntax error: {problem} {what.replace('scanning', 'in')} that " \
                  "is never closed"
    elif context is not None and what:
        message += f" ({what} that starts on line {context.line + 1 + offset}, column " \
                   f"{context.column + 1})"
    line = _span(mark, mark, offset) if mark is not None else None
    return error(message, file=file, line=line, code="E-yaml",
                 hint="check indentation and quoting")


# Where libyaml and PyYAML were seen to differ (a differential fuzz of 80,000 texts):
# libyaml takes a tab as a separator and `|#` as a block scalar with a comment, which
# PyYAML refuses, a document end (`...`) inside a flow collection, and it ends the last
# collection of a text without a final newline on the line after. Such texts go to PyYAML.
_UNLIKE = re.compile(r"\t|[|>][0-9+-]*#|^\.\.\.", re.MULTILINE)


def _libyaml_reads_alike(text: str) -> bool:
    return text.endswith("\n") and not _UNLIKE.search(text) and \
        not yaml.reader.Reader.NON_PRINTABLE.search(text)


def load_yaml(text: str, file: Path, error: type[EpaperError], line_offset: int = 0,
              *, strict: bool = False) -> Located:
    """Parse `text` (from `file`; its line 1 is the file's line 1 + `line_offset`).

    `strict` (edition files): refuse anchors, aliases, tags and duplicate keys."""
    if CParser is not None and _libyaml_reads_alike(text):
        try:
            loader = _FastStrictLoader(text) if strict else _FastLoader(text)
            return _load(loader, text, file, error, line_offset, strict)
        except Exception:  # noqa: BLE001 - said again, exactly, by the Python reader below
            pass
    try:
        # The reader checks every character as the loader is made: a NUL fails here.
        loader = _StrictLoader(text) if strict else yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error(f"control character U+{exc.character:04X} in the YAML", file=file,
                    line=Pos(line, col, col + 1), code="E-yaml",
                    hint="delete it: most editors do not show it") from None
    return _load(loader, text, file, error, line_offset, strict)


def _load(loader: Any, text: str, file: Path, error: type[EpaperError], line_offset: int,
          strict: bool) -> Located:
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if strict and mark is not None and "undefined alias" in str(exc):
            # `*name` with no `&name` before it: an alias all the same.
            name = str(getattr(exc, "problem", "")).rsplit(" ", 1)[-1].strip("'")
            raise error(f"YAML alias *{name} is not allowed", file=file,
                        line=_span(mark, mark, line_offset), hint=ANCHOR_HINT) from None
        raise _syntax_error(exc, text, file, error, line_offset) from None
    except RecursionError:
        raise error("the YAML is nested too deeply to read", file=file,
                    hint="edition files nest a few levels at most; check the brackets"
                    ) from None
    finally:
        loader.dispose()
    walker = _Walker(file, error, line_offset, loader.refused if strict else None)
    if node is not None:
        walker.walk(node)
    _impossible_dates_as_text(node)
    try:
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.constructor.ConstructorError as exc:  # an unknown tag (template sets)
        mark = exc.problem_mark
        raise error(f"YAML tag not allowed here: {exc.problem}", file=file,
                    line=_span(mark, mark, line_offset) if mark is not None else None,
                    hint="remove the tag and write the value as plain text") from None
    except (yaml.YAMLError, ValueError) as exc:  # e.g. date: 2026-13-45
        bad = _bad_scalar(node)
        at = _span(bad.start_mark, bad.end_mark, line_offset) if bad is not None else None
        hint = "dates are written 2026-12-07" if bad is not None and \
            bad.tag == TIMESTAMP_TAG else None
        raise error(f"invalid value: {exc}", file=file, line=at, hint=hint) from None
    except RecursionError:
        raise error("the YAML is nested too deeply to read", file=file,
                    hint="edition files nest a few levels at most; check the brackets"
                    ) from None
    return Located(data, walker.lines, file, walker.written, walker.keys)


def read_text(path: Path, error: type[EpaperError], what: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} not found", file=path, code="E-missing-file") from None
    except IsADirectoryError:
        raise error(f"the {what} is a folder, not a file", file=path,
                    hint="name the file inside it") from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", file=path) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode(
            "utf-8", errors="replace")) + 1
        raise error(f"not valid UTF-8 (byte 0x{raw[exc.start]:02X})", file=path,
                    line=Pos(line, col, col + 1), code="E-encoding",
                    hint="save the file as UTF-8; legacy Bijoy text must be converted first"
                    ) from None
