"""Facts worked out from one file alone — a font's metrics, its glyph boxes — kept
between runs by whoever sets a store (a build, its cache).

Opening the fonts with fontTools and measuring their outlines was a fifth of a rebuild
after a one-story edit, in every process, though the fonts had not changed. The store
keys each fact by its kind and the file's content (and the engine that worked it out),
so a changed font is measured again and a fact is never taken from another font.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class Store(Protocol):
    def recall(self, kind: str, path: Path) -> object | None: ...

    def keep(self, kind: str, path: Path, value: object) -> None: ...


# A context variable: builds in threads (build-many) each have their own store.
STORE: contextvars.ContextVar[Store | None] = contextvars.ContextVar("kept_store",
                                                                    default=None)


def recall(kind: str, path: Path) -> object | None:
    store = STORE.get()
    return store.recall(kind, path) if store is not None else None


def keep(kind: str, path: Path, value: object) -> None:
    store = STORE.get()
    if store is not None:
        store.keep(kind, path, value)


@contextlib.contextmanager
def using(store: Store | None) -> Iterator[None]:
    token = STORE.set(store)
    try:
        yield
    finally:
        STORE.reset(token)
