"""Errors epaper reports to the desk: each names the file, the field or line, and what to do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from epaper.diagnostics import Diagnostic, locate


class EpaperError(Exception):
    """A problem with the input that stops the edition from being built.

    One error, or the first of several found in one pass (`diagnostics` has them all).
    `line` may be a `yamlio.Pos`, a line number that knows its column; `find` is text to
    point the caret at, looked for in `file` from `line` (or the top) on."""

    code = "E-input"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
        col: int | None = None,
        end_col: int | None = None,
        code: str | None = None,
        find: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.col = col if col is not None else getattr(line, "col", None)
        self.end_col = end_col if end_col is not None else getattr(line, "end", None)
        self.line = int(line) if line is not None else None
        self.field = field
        self.hint = hint
        if code is not None:
            self.code = code
        if find and self.file and self.col is None:
            found = locate(self.file, find, self.line or 1)
            if found is not None:
                self.line, self.col, self.end_col = found
        self.others: list[Diagnostic] = []  # further errors found in the same pass
        self.first: Diagnostic | None = None  # the record this error was made from, if any

    @classmethod
    def of(cls, records: list[Diagnostic]) -> EpaperError:
        """An error standing for `records` (the first, with the others attached)."""
        first = records[0]
        exc = cls(first.message, file=first.file, line=first.line, col=first.col,
                  end_col=first.end_col, field=first.field, hint=first.hint, code=first.code)
        exc.others = list(records[1:])
        exc.first = first
        return exc

    def diagnostic(self) -> Diagnostic:
        """This error as a record."""
        if self.first is not None:
            return self.first
        return Diagnostic("error", self.code, self.message, self.file, self.line, self.col,
                          self.field, self.hint, self.end_col)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic(), *self.others]

    def __str__(self) -> str:
        return "\n".join(d.short() for d in self.diagnostics)


class ContentError(EpaperError):
    """The edition folder, a story file or a photo is wrong."""

    code = "E-content"


class TemplateError(EpaperError):
    """A layout template set is wrong."""

    code = "E-template"


class FontCoverageError(EpaperError):
    """A character that no font of the style's stack can draw."""

    code = "E-coverage"


class FontError(EpaperError):
    """A font file is missing or unreadable."""

    code = "E-font"


class UsageError(EpaperError):
    """The call itself is wrong (an output folder inside the edition): exit 2 in the CLI."""

    code = "E-usage"


class Collector:
    """Errors (and load-time warnings) found so far, for loaders that check everything
    they can before giving up: each independent part is checked in a `guard`, and
    `check()` raises the first error with all the others attached."""

    def __init__(self) -> None:
        self.errors: list[EpaperError] = []
        self.warnings: list[Diagnostic] = []

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block; an EpaperError it raises is kept and the caller goes on."""
        try:
            yield
        except EpaperError as exc:
            self.add(exc)

    def add(self, exc: EpaperError) -> None:
        self.errors.append(exc)

    def warn(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self.warnings:
            self.warnings.append(diagnostic)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every error once, file by file (in the order the files were first met), each
        file's from top to bottom, as a compiler lists them."""
        seen: list[Diagnostic] = []
        for exc in self.errors:
            for d in exc.diagnostics:
                if d not in seen:
                    seen.append(d)
        rank = {f: k for k, f in reversed(list(enumerate(d.file for d in seen)))}
        return sorted(seen, key=lambda d: (rank[d.file], d.line or 0, d.col or 0))

    def check(self) -> None:
        """Raise the first error (in file and line order), carrying every other one."""
        if not self.errors:
            return
        found = self.diagnostics
        first = next((e for e in self.errors if e.diagnostic() == found[0]), self.errors[0])
        first.first, first.others = found[0], found[1:]
        raise first
