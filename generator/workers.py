"""Processes and memory for the heavy stages: how many workers, a pool that forks them
cheaply, and the garbage collector paused while the generator builds its values."""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator

PARALLEL_FROM = 400
"""Below this many items (files, pages), one process is faster than starting a pool."""
CHUNK = 200
"""Items per task sent to a worker."""


def jobs() -> int:
    """Worker processes to use: UNKEPT_JOBS, else one per core."""
    wanted = os.environ.get("UNKEPT_JOBS", "")
    return max(1, int(wanted)) if wanted.isdigit() else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether workers can be forked: they then inherit every loaded value, unpickled."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    """A pool of forked workers (spawned where fork does not exist).

    The parent's objects are frozen out of the garbage collector first: otherwise a
    collection in a worker writes to every object's header, and copy-on-write then copies
    the parent's whole heap into each worker (measured: 0.7 s of 1.5 s at 10,000 cases).
    """
    fork = can_fork()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            yield pool
    finally:
        if fork:
            gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (in this process and the workers it forks).

    The generator's stages build millions of values that live until the end (cases,
    statuses, pages) and few reference cycles, so each collection scanned them again for
    nothing: 1.1 s of 7.8 s at 10,000 cases, with the same peak memory when paused.
    Reference counting still frees everything else at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def beside(task: Callable[[], None]) -> Iterator[None]:
    """Run `task` in a forked worker while the body runs here; raise its error after.

    `task` must be a module-level function (it is sent to the worker by name). With one
    job, or without fork, it runs here, after the body.
    """
    if jobs() == 1 or not can_fork():
        yield
        task()
        return
    with process_pool(1) as pool:
        done = pool.submit(task)
        yield
        done.result()
