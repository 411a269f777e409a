"""Errors epaper reports to the desk: each names the file, the field or line, and what to do."""

from __future__ import annotations

from pathlib import Path


class EpaperError(Exception):
    """A problem with the input that stops the edition from being built."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{self.message}{hint}"


class ContentError(EpaperError):
    """The edition folder, a story file or a photo is wrong."""


class TemplateError(EpaperError):
    """A layout template set is wrong."""


class FontCoverageError(EpaperError):
    """A character that no font of the style's stack can draw."""


class FontError(EpaperError):
    """A font file is missing or unreadable."""
