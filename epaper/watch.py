"""The desk's loop: build, then build again on every saved change, never stopping on a
bad edit. Each rebuild is incremental: only the pages an edit touches are laid out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from epaper.errors import EpaperError

# What editors write beside the file being saved: not an edit of the edition.
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")
_IGNORED_NAMES = ("4913", ".DS_Store")


def relevant(path: str) -> bool:
    """Is a changed path part of the edition (not an editor's scratch file)?"""
    name = Path(path).name
    if name in _IGNORED_NAMES or name.endswith(_IGNORED_SUFFIXES):
        return False
    if name.startswith(".#") or (name.startswith("#") and name.endswith("#")):
        return False
    return not any(part.startswith(".") and part not in (".", "..")
                   for part in Path(path).parts[-3:-1])


def watched_folders(edition_dir: Path, before: list[Path] | None = None) -> list[Path]:
    """The edition folder, and the template set's and fonts' folders when they lie
    outside it (a desk's own set beside its editions). While the edition cannot be
    read, the folders watched `before` stay."""
    folders = [edition_dir.resolve()]
    try:
        from epaper.content.edition import load_edition
        from epaper.templates.loader import fonts_dir

        ed = load_edition(edition_dir)
        for extra in (ed.layout.parent, fonts_dir(ed.layout)):
            extra = extra.resolve()
            if not any(extra == f or f in extra.parents for f in folders):
                folders.append(extra)
    except EpaperError:  # a broken edition: watch what was watched until it is fixed
        return before or folders
    return folders


def watch(edition_dir: Path, build: Callable[[], Any], say: Callable[[str], None], *,
          stop: threading.Event | None = None, debounce: int = 300,
          describe: Callable[[Any], Iterable[str]] | None = None,
          problem: Callable[[Exception], None] | None = None) -> None:
    """Run `build` now and after every change under the edition's folders, until `stop`
    is set or Ctrl-C. A failing build is reported and the loop goes on."""
    from watchfiles import watch as changes

    _attempt(build, say, describe, problem)
    while True:
        folders = watched_folders(edition_dir)
        say("watching " + ", ".join(str(f) for f in folders) + " (Ctrl-C stops)")
        for batch in changes(*folders, debounce=debounce, stop_event=stop,
                             raise_interrupt=False,
                             watch_filter=lambda _change, path: relevant(path)):
            names = sorted({_shown(Path(p), folders) for _kind, p in batch})
            say("changed: " + ", ".join(names))
            _attempt(build, say, describe, problem)
            if watched_folders(edition_dir, folders) != folders:
                break  # the edition now names another template set: watch that
        else:
            return  # stopped


def _attempt(build: Callable[[], Any], say: Callable[[str], None],
             describe: Callable[[Any], Iterable[str]] | None,
             problem: Callable[[Exception], None] | None) -> None:
    t0 = time.perf_counter()
    try:
        result = build()
    except Exception as exc:  # a bad edit, or a bug in epaper: reported, the desk goes on
        if problem is not None:
            problem(exc)
        else:
            say(f"error: {exc}")
        say("not built: the output folder keeps the last good edition; fix and save again")
        return
    for line in (describe(result) if describe else ()):
        say(line)
    say(f"built in {time.perf_counter() - t0:.2f} s")


def _shown(path: Path, folders: list[Path]) -> str:
    for folder in folders:
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return str(path)
