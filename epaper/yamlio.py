"""Read YAML safely, keeping the line of every mapping key for error messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from epaper.errors import EpaperError


@dataclass
class Located:
    """Parsed YAML plus a map from key paths such as ("pages", 0, "template") to lines."""

    data: Any
    lines: dict[tuple[object, ...], int]
    file: Path

    def line(self, *path: object) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _walk(node: yaml.Node, path: tuple[object, ...], lines: dict[tuple[object, ...], int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            lines[path + (k,)] = key.start_mark.line + 1
            _walk(value, path + (k,), lines)
            lines[path + (k,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def _bad_scalar(node: yaml.Node | None) -> int | None:
    """Line of the first scalar PyYAML cannot construct (an impossible date)."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node)
        except (ValueError, yaml.YAMLError):
            return int(node.start_mark.line) + 1
        return None
    children = node.value if isinstance(node, yaml.SequenceNode) else (
        [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else [])
    for child in children:
        found = _bad_scalar(child)
        if found:
            return found
    return None


def load_yaml(text: str, file: Path, error: type[EpaperError], line_offset: int = 0) -> Located:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        # An unclosed quote is found at the end of the stream; the context mark says
        # where it opened, which is the line the desk has to fix.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"YAML syntax error: {problem}", file=file, line=line,
                    hint="check indentation and quoting") from None
    lines: dict[tuple[object, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # e.g. date: 2026-13-45
        bad = _bad_scalar(node)
        line = bad + line_offset if bad else None
        raise error(f"invalid value: {exc}", file=file, line=line,
                    hint="dates are written 2026-12-07") from None
    if line_offset:
        lines = {k: v + line_offset for k, v in lines.items()}
    return Located(data, lines, file)


def read_text(path: Path, error: type[EpaperError], what: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} not found", file=path) from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", file=path) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"not valid UTF-8 (byte 0x{raw[exc.start]:02X})", file=path, line=line,
                    hint="save the file as UTF-8; legacy Bijoy text must be converted first"
                    ) from None
