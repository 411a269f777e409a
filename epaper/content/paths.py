"""Resolve paths named in edition files, refusing any that leave the edition folder."""

from __future__ import annotations

from pathlib import Path

from epaper.errors import ContentError


def resolved(path: Path, *, file: Path, line: int | None = None,
             field: str | None = None) -> Path:
    """`path.resolve()`, with a symlink loop (a file linked to itself) as a ContentError."""
    try:
        result = path.resolve()
        if not result.is_symlink():  # Python 3.13+ leaves a loop unresolved
            return result
    except RuntimeError:  # Python 3.11/3.12: "Symlink loop from …"
        pass
    except OSError as exc:
        raise ContentError(f"cannot follow {path}: {exc.strerror}", file=file, line=line,
                           field=field) from None
    raise ContentError(f"{path} is a symbolic link that leads back to itself (a loop)",
                       file=file, line=line, field=field,
                       hint="replace the link with the file it should point to")


def inside(root: Path, base: Path, value: object, *, file: Path, line: int | None,
           field: str, hint: str = "copy the file into the edition folder") -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ContentError("expected a file path (text)", file=file, line=line, field=field)
    path = resolved(base / value, file=file, line=line, field=field)
    try:
        path.relative_to(resolved(root, file=file))
    except ValueError:
        raise ContentError(f"path {value!r} is outside the edition folder {root}", file=file,
                           line=line, field=field, hint=hint) from None
    return path
