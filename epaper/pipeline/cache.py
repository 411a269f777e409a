"""A persistent cache of task results, keyed by content, written atomically, never trusted.

Each entry is one file, `<root>/v1/<kind>/<key[:2]>/<key>`, holding a header (magic,
length, checksum of the payload) and the payload. An entry is written to a temporary
file and renamed into place, so a reader sees a whole entry or none; one that is cut
short, corrupt or of another format is a miss, and is deleted. Keys already include the
engine's fingerprint (keys.engine), so results of another engine version are never
looked up. The cache is bounded: the oldest entries (by last use) go first.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "v1"
MAGIC = b"EPAPERC1"
HEADER = struct.Struct("<8sQ32s")  # magic, payload length, sha256 of the payload
DEFAULT_MAX_BYTES = 2 * 1024**3
STALE_TEMP_SECONDS = 3600  # a temporary file this old belongs to a run that died


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    written: int = 0


class Cache:
    """Content-keyed entries under `root`; `None` as root makes a cache that keeps nothing
    (every lookup misses): the same code path for `--no-cache`."""

    def __init__(self, root: Path | None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.stats = Stats()

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / FORMAT / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        if self.root is None:
            self.stats.misses += 1
            return None
        path = self._path(kind, key)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            self.stats.misses += 1
            return None
        payload = _payload(data)
        if payload is None:
            self.stats.corrupt += 1
            self.stats.misses += 1
            path.unlink(missing_ok=True)
            return None
        self.stats.hits += 1
        try:  # last use, for eviction; a read-only cache still serves
            os.utime(path)
        except OSError:
            pass
        return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store `payload`. A cache that cannot be written (full disk, read-only) only
        costs the next build time: the build itself does not fail for it."""
        if self.root is None:
            return
        path = self._path(kind, key)
        header = HEADER.pack(MAGIC, len(payload), hashlib.sha256(payload).digest())
        tmp = path.with_name(f".{key}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(header)
                fh.write(payload)
            os.replace(tmp, path)
            self.stats.written += 1
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass

    def get_object(self, kind: str, key: str) -> Any:
        data = self.get(kind, key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # an entry from a build whose classes have changed shape
            self.stats.corrupt += 1
            self.forget(kind, key)
            return None

    def put_object(self, kind: str, key: str, value: object) -> None:
        self.put(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def forget(self, kind: str, key: str) -> None:
        if self.root is not None:
            self._path(kind, key).unlink(missing_ok=True)

    def _due(self, now: float, every: float) -> bool:
        """Whether a trim is due (none for `every` seconds); if so, note that one runs."""
        assert self.root is not None
        stamp = self.root / FORMAT / ".trimmed"
        try:
            if every and now - stamp.stat().st_mtime < every:
                return False
        except OSError:
            pass
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            pass
        return True

    def trim(self, every: float = 0.0) -> int:
        """Evict the least recently used entries until the cache fits `max_bytes`; remove
        temporary files of runs that died and folders of other cache formats. Returns
        the bytes removed. With `every` (seconds), only if no trim ran for that long: a
        cache of 2 GB is some 10,000 files to stat, a tenth of a second a build that the
        desk's rebuild loop need not pay each time (the cache may pass its bound by what
        the builds of `every` seconds add)."""
        if self.root is None or not self.root.is_dir():
            return 0
        now = time.time()
        if not self._due(now, every):
            return 0
        removed = 0
        for top in self.root.iterdir():
            if top.is_dir() and top.name != FORMAT and top.name.startswith("v"):
                removed += _remove_tree(top)
        entries, stale = self._entries(now)
        removed += sum(_unlink(p, size) for p, size in stale)
        total = sum(size for _t, size, _p in entries)
        for _mtime, size, p in sorted(entries):
            if total <= self.max_bytes:
                break
            total -= size
            removed += _unlink(p, size)
        return removed

    def _entries(self, now: float) -> tuple[list[tuple[float, int, Path]],
                                            list[tuple[Path, int]]]:
        """Every entry (last use, size, path), and temporary files of runs that died."""
        assert self.root is not None
        entries, stale = [], []
        for dirpath, _dirs, files in os.walk(self.root / FORMAT):
            for name in files:
                if name == ".trimmed":
                    continue
                p = Path(dirpath, name)
                try:
                    st = p.stat()
                except OSError:
                    continue
                if not name.endswith(".tmp"):
                    entries.append((st.st_mtime, st.st_size, p))
                elif now - st.st_mtime > STALE_TEMP_SECONDS:
                    stale.append((p, st.st_size))
        return entries, stale


def _payload(data: bytes) -> bytes | None:
    if len(data) < HEADER.size:
        return None
    magic, length, checksum = HEADER.unpack_from(data)
    payload = data[HEADER.size:]
    if magic != MAGIC or length != len(payload):
        return None
    if hashlib.sha256(payload).digest() != checksum:
        return None
    return payload


def _unlink(p: Path, size: int) -> int:
    try:
        p.unlink()
        return size
    except OSError:
        return 0


def _remove_tree(top: Path) -> int:
    removed = 0
    for dirpath, _dirs, files in os.walk(top, topdown=False):
        for name in files:
            p = Path(dirpath, name)
            try:
                removed += _unlink(p, p.stat().st_size)
            except OSError:
                pass
        try:
            os.rmdir(dirpath)
        except OSError:
            pass
    return removed


def default_root(out_dir: Path) -> Path:
    """Where a build's cache lives unless told: $EPAPER_CACHE, else `.epaper-cache/`
    beside the output folder (not inside it: a build replaces its outputs)."""
    env = os.environ.get("EPAPER_CACHE")
    if env:
        return Path(env).expanduser()
    return out_dir.resolve().parent / ".epaper-cache"
