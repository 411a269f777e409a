"""Put a finished build into its output folder, whole or not at all, whatever happens.

A build writes into a staging folder beside the output folder; `Session.publish` then
moves the outputs in, setting aside what they replace, and puts it all back if anything
at all goes wrong half way (an error, an interrupt). The moves run with SIGINT, SIGTERM
and SIGHUP held back, so an interrupt lands before or after them, never between. A
journal in the set-aside folder lets the next build undo a publish that a power cut or
SIGKILL stopped. One build at a time may work on an output folder: the next waits.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from epaper.errors import EpaperError

# What a build may leave in its output folder; anything else there is the desk's own.
OUTPUTS = ("edition.pdf", "pages", "screen", "web", "layout.json", "report.json",
           "preflight.json")
REPLACED_WHOLE = ("pages", "screen", "web")
STAGING = ".epaper-build-"
OLD = ".epaper-old-"
JOURNAL = "journal.json"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop (Ctrl-C, SIGTERM, SIGHUP). `published`: the stop came
    just after the new edition was put in place (it is there, whole)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.published = False


# The stop signal that arrived, kept: a handler's exception is lost when the signal lands
# in code that cannot raise (an at-fork hook as a worker starts, a __del__), so the build
# also looks here at every checkpoint.
_stopped: list[int] = []


def _raise(signum: int, _frame: FrameType | None) -> None:
    _stopped.append(signum)
    raise Interrupted(signum)


def raise_if_stopped() -> None:
    """Stop now if a stop signal came while its exception could not be raised."""
    if _stopped:
        raise Interrupted(_stopped[0])


def _quiet_lost_stop(unraisable: Any, default: Callable[[Any], None]) -> None:
    # A stop lost this way is acted on at the next checkpoint: no traceback for it.
    if not isinstance(unraisable.exc_value, Interrupted):
        default(unraisable)


def _child_signals() -> None:
    """A process forked while a build stops on signals (a worker starting) does not keep
    the build's handler: a SIGTERM from the build ending its workers raised Interrupted
    in the worker's start-up, before its own set-up, and printed a traceback."""
    for s in SIGNALS:
        if signal.getsignal(s) is _raise:
            signal.signal(s, signal.SIG_IGN if s == signal.SIGINT else signal.SIG_DFL)
    _stopped.clear()


os.register_at_fork(after_in_child=_child_signals)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the build like Ctrl-C does: by an exception in the main
    thread, so every clean-up runs (workers ended, temporary files removed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in SIGNALS}
    hook = sys.unraisablehook
    _stopped.clear()
    for s in SIGNALS:
        signal.signal(s, _raise)
    sys.unraisablehook = lambda u: _quiet_lost_stop(u, hook)
    try:
        yield
    finally:
        for s, handler in before.items():
            if handler is not None:
                signal.signal(s, handler)
        sys.unraisablehook = hook
        _stopped.clear()  # acted on, or too late to matter: not the next build's


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back the stop signals for a moment that must not be cut in two."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Session:
    """One build's hold on its output folder: the lock, the staging folder, the publish.

    `staging` is where outputs are written; `scratch` is for the build's own temporary
    files. Both go when the session ends, however it ends.
    """

    def __init__(self, out: Path, on_wait: Callable[[str], None] | None = None) -> None:
        self.out = out
        self.on_wait = on_wait
        self.published: list[Path] = []
        self._lock: int | None = None
        self._root: Path | None = None
        self._signals: contextlib.ExitStack | None = None

    @property
    def staging(self) -> Path:
        assert self._root is not None
        return self._root / "out"

    @property
    def scratch(self) -> Path:
        assert self._root is not None
        return self._root / "scratch"

    def __enter__(self) -> Session:
        self._signals = contextlib.ExitStack()
        self._signals.enter_context(stop_on_signals())
        try:
            parent = self.out.resolve().parent
            parent.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(parent / f".{self.out.name}.epaper-lock", self.out,
                               self.on_wait)
            recover(parent, self.out)
            self._root = Path(tempfile.mkdtemp(prefix=STAGING, dir=parent))
            (self._root / "pid").write_text(str(os.getpid()))
            self.staging.mkdir()
            self.scratch.mkdir()
        except OSError as exc:
            self.__exit__(None, None, None)
            raise disk_error(exc, self.out) from exc
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
            if self._lock is not None:
                os.close(self._lock)  # closing the descriptor releases the lock
                self._lock = None
        finally:
            if self._signals is not None:
                self._signals.close()
                self._signals = None
        if isinstance(exc, OSError) and not isinstance(exc, EpaperError):
            raise disk_error(exc, self.out) from exc

    def publish(self) -> None:
        raise_if_stopped()
        made = sorted(p.name for p in self.staging.iterdir())
        done: list[bool] = []
        try:
            publish(self.staging, self.out, done)
        except KeyboardInterrupt as exc:  # held back during the moves, let in after them
            if done:
                self.published = [self.out / name for name in made]
                exc.published = True  # type: ignore[attr-defined]
            raise
        self.published = [self.out / name for name in made]


def publish(staging: Path, out: Path, done: list[bool] | None = None) -> None:
    """Move the finished outputs into `out`, all or nothing.

    What they replace is set aside first and put back if anything fails half way.
    Outputs of an earlier build that this one does not make (a variant not built this
    time) go too: they would disagree with the new layout.json. Other files in `out` are
    left alone.
    """
    new = sorted(p.name for p in staging.iterdir())
    out.mkdir(parents=True, exist_ok=True)
    _refuse_foreign(staging, out, new)
    trash = Path(tempfile.mkdtemp(prefix=OLD, dir=out.resolve().parent))
    (trash / "pid").write_text(str(os.getpid()))
    journal: list[dict[str, Any]] = []
    ok = False
    try:
        with signals_held():
            try:
                _moves(staging, out, trash, new, journal)
                ok = True
                if done is not None:
                    done.append(True)
            except BaseException as exc:
                lost = _put_back(out, trash, journal)
                if isinstance(exc, OSError):
                    raise disk_error(exc, out, lost) from exc
                raise
    finally:
        if ok or not any(entry.get("lost") for entry in journal):
            shutil.rmtree(trash, ignore_errors=True)


def _moves(staging: Path, out: Path, trash: Path, new: list[str],
           journal: list[dict[str, Any]]) -> None:
    for name in dict.fromkeys([*new, *OUTPUTS]):
        target = out / name
        had = target.exists() or target.is_symlink()
        if not had and name not in new:
            continue
        journal.append({"name": name, "had": had, "new": name in new, "step": "planned"})
        _write_journal(trash, out, journal)
        if had:
            os.replace(target, trash / name)
        journal[-1]["step"] = "set aside"
        if name in new:
            fault_point("publish", name)
            os.replace(staging / name, target)
        journal[-1]["step"] = "moved"
    _write_journal(trash, out, journal)


def _write_journal(trash: Path, out: Path, journal: list[dict[str, Any]]) -> None:
    tmp = trash / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps({"out": str(out.resolve()), "moves": journal}),
                   encoding="utf-8")
    os.replace(tmp, trash / JOURNAL)


def _put_back(out: Path, trash: Path, journal: list[dict[str, Any]]) -> list[str]:
    """Undo a half-done publish: the new outputs out, the old ones back. Returns the names
    that could not be put back (their old copies stay in `trash`)."""
    lost = []
    for entry in reversed(journal):
        target = out / entry["name"]
        try:
            if entry["step"] == "moved" and entry["new"]:
                _remove(target)
            old = trash / entry["name"]
            if entry["had"] and (old.exists() or old.is_symlink()):
                os.replace(old, target)
        except OSError:
            entry["lost"] = True
            lost.append(entry["name"])
    return lost


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def recover(parent: Path, out: Path) -> list[str]:
    """Clean up after builds that were killed outright: undo a publish into `out` that
    one left half done (from its journal), and remove the staging folders of dead
    builds. Returns what was done."""
    done = []
    target = out.resolve()
    for folder in sorted(parent.glob(OLD + "*")):
        if not folder.is_dir() or _alive(folder):
            continue
        try:
            data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
            moves, where = data["moves"], Path(data["out"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours to judge: no journal, or another output's
        if where != target:
            continue
        if not all(m["step"] == "moved" for m in moves):
            _put_back(target, folder, moves)
            done.append(f"undid a half-done publish into {out}")
        if not any(m.get("lost") for m in moves):
            shutil.rmtree(folder, ignore_errors=True)
    for folder in sorted(parent.glob(STAGING + "*")):
        if folder.is_dir() and not _alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name}")
    return done


def _alive(folder: Path) -> bool:
    """Is the build that made `folder` still running?"""
    try:
        pid = int((folder / "pid").read_text())
    except (OSError, ValueError):
        # No pid file: a folder of an older epaper, or one being made right now.
        try:
            import time

            return time.time() - folder.stat().st_mtime < 3600
        except OSError:
            return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(path: Path, out: Path, on_wait: Callable[[str], None] | None) -> int:
    """Hold the output folder for this build; if another build has it, wait for it (the
    later build then starts from the newer copy the desk saved)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
        except OSError:
            holder = ""
        if on_wait is not None:
            on_wait(f"waiting for another build of {out} to finish"
                    + (f" (process {holder})" if holder else "") + "; Ctrl-C stops")
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


_PAGE_FILE = re.compile(r"\d{2,3}\.pdf")


def _refuse_foreign(staging: Path, out: Path, new: list[str]) -> None:
    for folder in ("pages", "screen", "web"):
        foreign = _not_ours(out / folder, folder)
        if foreign:
            raise EpaperError(f"{out / folder} holds files epaper did not write "
                              f"({', '.join(foreign[:3])}); a build replaces that folder whole",
                              file=out, hint="choose another output folder, or move those "
                              "files away; nothing was written")
    for name in new:
        target, made = out / name, staging / name
        if target.exists() and target.is_dir() != made.is_dir():
            kind = "folder" if target.is_dir() else "file"
            raise EpaperError(f"{target} is a {kind} where epaper writes its "
                              f"{'folder' if made.is_dir() else 'file'} {name}",
                              file=out, hint="move it away and build again; nothing was "
                              "written")


def _not_ours(folder: Path, name: str) -> list[str]:
    """What in an earlier build's `pages/` or `screen/` folder a build did not write:
    those folders are replaced whole, so anything else there would be lost."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    if name == "web":  # an e-paper of an earlier build, or not ours at all
        return [] if (folder / "edition.json").is_file() else [
            f"web/{p.name}" for p in sorted(folder.iterdir())]
    found = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        ours = (p.is_file() and _PAGE_FILE.fullmatch(rel)) if name == "pages" else (
            rel in ("edition.pdf", "pages") or (rel.startswith("pages/") and p.is_file()
                                                and _PAGE_FILE.fullmatch(p.name)))
        if not ours:
            found.append(f"{name}/{rel}")
    return found


def disk_error(exc: OSError, out: Path, lost: list[str] | None = None) -> EpaperError:
    """An OSError as the desk needs to hear it: which file, why, and that the previous
    edition is intact (or what could not be put back)."""
    where = exc.filename or out
    if exc.errno == errno.ENOSPC:
        message = f"the disk is full: could not write {where}"
        hint = "free some space on that disk (or build to another one)"
    elif exc.errno == errno.EDQUOT:
        message = f"the disk quota is used up: could not write {where}"
        hint = "free some space or ask for a larger quota"
    else:
        message = f"could not write {where}: {exc.strerror or exc}"
        hint = "check the folder's permissions and free space"
    hint += ("; the previous edition in the output folder is intact" if not lost else
             f"; could not put back {', '.join(lost)} (the old copies are in a "
             f"{OLD}* folder beside {out}): rebuild")
    return EpaperError(message, file=out, hint=hint)


# Fault injection for tests: EPAPER_FAULT=<stage>:<name> raises OSError(ENOSPC) at that
# point (publish:<output> just before it is moved in, write:<file name> as a file is
# written, phase:<phase> as a phase starts); <stage>:<name>:interrupt raises an
# Interrupted there instead, as a SIGTERM would; <stage>:<name>:slow waits 30 s there.
def fault_point(stage: str, name: str) -> None:
    spec = os.environ.get("EPAPER_FAULT")
    if not spec:
        return
    parts = spec.split(":")
    if len(parts) >= 2 and parts[0] == stage and parts[1] == name:
        how = parts[2] if len(parts) > 2 else ""
        if how == "interrupt":
            raise Interrupted(signal.SIGTERM)
        if how == "die":  # a worker killed outright (the kernel's OOM killer)
            os._exit(137)
        if how == "slow":  # time for a test to send a real signal
            import time

            time.sleep(30)
            return
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(name))


def write_json(path: Path, data: object) -> None:
    """A JSON output, one line: Python's C encoder writes that in a tenth of the time of
    an indented file (layout.json of 16 pages: 0.25 s); `python -m json.tool` or jq show
    it indented."""
    fault_point("write", path.name)
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
