"""epaper: a daily newspaper's stories and photos into print-ready PDF pages.

The small public API for desks that script their night::

    from epaper import build_edition, check_edition
    warnings = check_edition("samples")        # raises EpaperError with every error
    result = build_edition("samples", "out")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["BuildResult", "Diagnostic", "EpaperError", "build_edition", "check_edition"]
__version__ = "0.1.0"

if TYPE_CHECKING:  # the real types for type checkers; at run time imported on first use
    from epaper.build import BuildResult, build_edition, check_edition
    from epaper.diagnostics import Diagnostic
    from epaper.errors import EpaperError


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import epaper.text...` stays light for workers and tests.
    if name in ("BuildResult", "build_edition", "check_edition"):
        from epaper import build

        return getattr(build, name)
    if name == "EpaperError":
        from epaper.errors import EpaperError

        return EpaperError
    if name == "Diagnostic":
        from epaper.diagnostics import Diagnostic

        return Diagnostic
    raise AttributeError(name)
