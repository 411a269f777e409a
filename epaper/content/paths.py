"""Resolve paths named in edition files, refusing any that leave the edition folder."""

from __future__ import annotations

from pathlib import Path

from epaper.errors import ContentError


def inside(root: Path, base: Path, value: object, *, file: Path, line: int | None,
           field: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ContentError("expected a file path (text)", file=file, line=line, field=field)
    path = (base / value).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise ContentError(f"path {value!r} is outside the edition folder {root}", file=file,
                           line=line, field=field,
                           hint="copy the file into the edition folder") from None
    return path
