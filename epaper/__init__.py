"""epaper: a daily newspaper's stories and photos into print-ready PDF pages.

The small public API for desks that script their night::

    from epaper import build_edition, check_edition
    result = build_edition("samples", "out")
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuildResult", "EpaperError", "build_edition", "check_edition"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import epaper.text...` stays light for workers and tests.
    if name in ("BuildResult", "build_edition", "check_edition"):
        from epaper import build

        return getattr(build, name)
    if name == "EpaperError":
        from epaper.errors import EpaperError

        return EpaperError
    raise AttributeError(name)
