"""Content keys: one digest of everything a task reads, the same on every machine and run.

A key must change when any input changes and only then. Python's `hash()` is salted per
process and pickle's bytes depend on object identity, so values are walked here in a
canonical order: dataclasses field by field, mappings by sorted key, paths by their text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import os
import struct
from functools import cache
from pathlib import Path
from typing import Any

KEY_VERSION = b"epaper-key-2"


def digest(*values: object) -> str:
    """A hex key of `values`, walked canonically (see the module docstring)."""
    h = hashlib.blake2b(KEY_VERSION, digest_size=20)
    for v in values:
        _feed(h, v)
    return h.hexdigest()


def _feed(h: Any, v: object) -> None:  # noqa: C901 - one branch per kind of value
    if v is None:
        h.update(b"N")
    elif isinstance(v, bool):
        h.update(b"T" if v else b"F")
    elif isinstance(v, int) and not isinstance(v, enum.Enum):
        h.update(b"i" + str(v).encode() + b";")
    elif isinstance(v, float):
        h.update(b"f" + struct.pack("<d", v))
    elif isinstance(v, str):
        data = v.encode("utf-8", "surrogatepass")
        h.update(b"s" + str(len(data)).encode() + b":" + data)
    elif isinstance(v, bytes | bytearray | memoryview):
        data = bytes(v)
        h.update(b"b" + str(len(data)).encode() + b":" + data)
    elif isinstance(v, Path):
        _feed(h, ("path", str(v)))
    elif isinstance(v, dt.date):
        _feed(h, ("date", v.isoformat()))
    elif isinstance(v, enum.Enum):
        _feed(h, ("enum", type(v).__name__, v.value))
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        if type(v).__dataclass_params__.frozen:  # type: ignore[attr-defined]
            h.update(b"d" + _frozen_digest(v))
        else:
            _feed_fields(h, v)
    elif isinstance(v, dict):
        h.update(b"M{")
        for k in sorted(v, key=repr):
            _feed(h, k)
            _feed(h, v[k])
        h.update(b"}")
    elif isinstance(v, list | tuple):
        h.update(b"L[")
        for item in v:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(v, set | frozenset):
        h.update(b"S[")
        for item in sorted(v, key=repr):
            _feed(h, item)
        h.update(b"]")
    else:
        raise TypeError(f"cannot key a {type(v).__name__}: give tasks plain values")


def _feed_fields(h: Any, v: Any) -> None:
    h.update(b"D" + type(v).__qualname__.encode() + b"{")
    for f in dataclasses.fields(v):
        _feed(h, f.name)
        _feed(h, getattr(v, f.name))
    h.update(b"}")


# A frozen dataclass (every model type: a story, a template, a style) is walked once per
# process and then stands in a key as its own digest: a page's key names its stories and
# template, which the edition's key has walked already, and 16 pages share 3 templates.
# (The memo holds each object, so its id is not reused while it is in the memo.)
_FROZEN: dict[int, tuple[object, bytes]] = {}
_FROZEN_LIMIT = 200_000


def _frozen_digest(v: object) -> bytes:
    found = _FROZEN.get(id(v))
    if found is not None and found[0] is v:
        return found[1]
    sub = hashlib.blake2b(KEY_VERSION, digest_size=20)
    _feed_fields(sub, v)
    value = sub.digest()
    if len(_FROZEN) >= _FROZEN_LIMIT:  # a long watch or Dask worker: start again
        _FROZEN.clear()
    _FROZEN[id(v)] = (v, value)
    return value


# A file's digest by its identity on disk: reading and hashing 150 MB of photos on every
# rebuild would cost more than the rebuild itself. (size, mtime_ns, inode) change on any
# write the desk's tools make; the content digest is what keys use.
_FILE_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    st = os.stat(path)
    ident = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    found = _FILE_DIGESTS.get(ident)
    if found is None:
        with open(path, "rb") as fh:
            found = _FILE_DIGESTS[ident] = hashlib.file_digest(fh, "sha256").hexdigest()
    return found


def folder_digest(folder: Path, pattern: str = "*") -> str:
    """The digest of every file in `folder` matching `pattern` (names and contents)."""
    return digest([(p.name, file_digest(p)) for p in sorted(folder.glob(pattern))
                   if p.is_file()])


# What else a result depends on: the libraries that shape, draw and encode.
_LIBRARIES = ("reportlab", "uharfbuzz", "pillow", "fonttools", "pikepdf", "pyphen", "uniseg")


@cache
def engine() -> str:
    """The engine's own fingerprint: its version, its source files and the versions of the
    libraries whose output ends up in the files. A cache made by any other engine (an
    upgrade, a local edit) is never trusted."""
    from importlib import metadata

    import epaper

    root = Path(epaper.__file__).resolve().parent
    sources = [(p.relative_to(root).as_posix(), p.read_bytes())
               for p in sorted(root.rglob("*.py"))]
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, ""))
    return digest(epaper.__version__, sources, versions)
