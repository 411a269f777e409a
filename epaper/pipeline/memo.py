"""What a rebuild need not read again: story files and photo headers the cache already
knows, each checked against the file as it is now.

A story is kept under a key of its file's bytes (and the folder and default language it
was read with); its photos are probed by content, so a kept story is used only while each
of its photos is the same file it was (size, modification time, inode).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from epaper.content import story as story_reader
from epaper.diagnostics import Diagnostic
from epaper.model.edition import Story
from epaper.pipeline import keys
from epaper.pipeline.cache import Cache


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class _Kept:
    story: Story
    warnings: tuple[Diagnostic, ...]
    photos: tuple[tuple[str, tuple[int, int, int] | None], ...]


class StoryMemo:
    """content.story.StoryMemo over the build's cache."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def _key(self, path: Path, root: Path, default_lang: str) -> str | None:
        try:
            return keys.digest(keys.engine(), "story", str(path), str(root), default_lang,
                               keys.file_digest(path))
        except OSError:
            return None  # not there: reading it says so, with its line

    def get(self, path: Path, root: Path, default_lang: str
            ) -> tuple[Story, list[Diagnostic]] | None:
        key = self._key(path, root, default_lang)
        kept = self.cache.get_object("story", key) if key else None
        if not isinstance(kept, _Kept):
            return None
        if any(_identity(Path(p)) != ident for p, ident in kept.photos):
            return None
        return kept.story, list(kept.warnings)

    def put(self, path: Path, root: Path, default_lang: str, story: Story,
            warnings: list[Diagnostic]) -> None:
        key = self._key(path, root, default_lang)
        if key is None:
            return
        photos = tuple((str(p.path), _identity(p.path)) for p in story.photos)
        self.cache.put_object("story", key, _Kept(story, tuple(warnings), photos))


@contextlib.contextmanager
def stories_from(cache: Cache) -> Iterator[None]:
    """Read story files through the cache for the length of the block."""
    token = story_reader.MEMO.set(StoryMemo(cache))
    try:
        yield
    finally:
        story_reader.MEMO.reset(token)


class FileFacts:
    """epaper.kept's store over the build's cache: facts keyed by kind, the file's
    content and the engine."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def _key(self, kind: str, path: Path) -> str | None:
        try:
            return keys.digest(keys.engine(), "kept", kind, keys.file_digest(path))
        except OSError:
            return None

    def recall(self, kind: str, path: Path) -> object | None:
        key = self._key(kind, path)
        return self.cache.get_object(f"kept-{kind}", key) if key else None

    def keep(self, kind: str, path: Path, value: object) -> None:
        key = self._key(kind, path)
        if key:
            self.cache.put_object(f"kept-{kind}", key, value)
