"""Where tasks run: in this process, in a pool of worker processes, or on a Dask cluster.

Every runner takes the same top-level task functions with plain, picklable arguments and
gives back futures; the build's plan does not know which one it has. Tasks read their
inputs from paths and the cache and write their results there, returning small records,
so nothing large passes through a Dask scheduler.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from typing import Any


class Runner:
    """Runs tasks here and now: the reference every other runner must agree with."""

    jobs = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to whoever asks for the result
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        """Block until at least one of `futures` is done; return the done ones."""
        return {f for f in futures if f.done()}

    def close(self, cancel: bool = False) -> None:
        pass


class Processes(Runner):
    """A pool of `jobs` worker processes. On Linux they are forked once the edition is
    loaded, so they start with it in memory (and with the fonts and shapers warm)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = cf.ProcessPoolExecutor(max_workers=jobs,
                                            mp_context=multiprocessing.get_context(method),
                                            initializer=_worker_signals)

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        return self._pool.submit(fn, *args)

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return set(done)

    def close(self, cancel: bool = False) -> None:
        if cancel:
            # Workers are ended, not waited for: an interrupted build must stop now.
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                try:
                    proc.terminate()
                except (OSError, AttributeError):
                    pass
        self._pool.shutdown(wait=True, cancel_futures=cancel)


class Dask(Runner):
    """Tasks on an existing Dask cluster (`--scheduler ADDRESS`), or on a given client."""

    def __init__(self, address: str | None = None, client: Any = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # the extra is not installed
            from epaper.errors import EpaperError

            raise EpaperError("running on a Dask cluster needs the 'distributed' extra",
                              hint='pip install -e ".[distributed]"') from exc
        self._own = client is None
        self.client = client or Client(address, set_as_default=False, timeout="20s")
        self.jobs = max(1, sum(self.client.nthreads().values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        from distributed import wait

        done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def close(self, cancel: bool = False) -> None:
        if self._own:
            self.client.close()


def _worker_signals() -> None:
    """A worker leaves stopping to the build: Ctrl-C reaches the whole process group, and
    the build ends its workers itself (SIGTERM, at once, no traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def default_jobs() -> int:
    """The machine's cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def runner_for(jobs: int) -> Runner:
    return Runner() if jobs <= 1 else Processes(jobs)
