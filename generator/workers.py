"""Processes and memory for the heavy stages: how many workers, a pool that forks them
cheaply, and the garbage collector paused while the generator builds its values."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from generator.errors import WorkerDied

T = TypeVar("T")

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


_STATE: Any = None
"""In a worker process, the state its pool was started with. The package's only global: a
forked worker inherits it from its initializer instead of having it pickled with each task."""


def _install(state: Any) -> None:
    """The pool's initializer, run once in each worker: it dies with its parent (a killed
    build leaves no orphan working on), and holds the pool's state."""
    global _STATE
    _STATE = state
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere
    the pool's own shutdown ends the workers."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)


def _run(task: Callable[..., T], *args: Any) -> T:
    """Run `task(state, *args)` in a worker."""
    return task(_STATE, *args)


@dataclass(frozen=True)
class Pool:
    """Worker processes that each hold one state; tasks are called as `task(state, *args)`.

    A task must be a module-level function: it is sent to the worker by name.
    """

    executor: concurrent.futures.ProcessPoolExecutor

    def map(self, task: Callable[..., T], *iterables: Iterable[Any]) -> Iterator[T]:
        """`task(state, *args)` for each tuple of arguments, results in order."""
        return self.executor.map(functools.partial(_run, task), *iterables)

    def submit(self, task: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """`task(state, *args)` in a worker, started now."""
        return self.executor.submit(_run, task, *args)


@contextlib.contextmanager
def process_pool(workers: int, state: Any = None) -> Iterator[Pool]:
    """A pool of forked workers, each holding `state` (spawned where fork does not exist,
    when `state` must pickle).

    The parent's objects are frozen out of the garbage collector first: otherwise a
    collection in a worker writes to every object's header, and copy-on-write then copies
    the parent's whole heap into each worker (measured: 0.7 s of 1.5 s at 10,000 cases).
    """
    fork = can_fork()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_install, initargs=(state,)
        ) as executor:
            yield Pool(executor)
    finally:
        if fork:
            gc.unfreeze()


def shared_out(
    task: Callable[..., T],
    state: Any,
    items: Sequence[tuple[Any, ...]],
    processes: int,
    *,
    busy: Beside | None = None,
) -> list[T]:
    """`task(state, *item)` for every item, in this process and `processes - 1` forked
    workers, each taking the next item as soon as it is free; results in item order.

    This process works too instead of waiting: a worker copies what it touches of the
    parent's heap (at 100,000 cases a page worker held 1.2 GB), and this process copies
    nothing. A process `busy` beside holds a core and its own copy of the heap: until it
    has ended, one worker fewer runs, since one more busy process than cores adds a copy,
    not speed. A failure anywhere stops the others taking more items.
    """
    if processes <= 1 or len(items) <= 1 or not can_fork():
        return [task(state, *item) for item in items]
    taken = multiprocessing.get_context("fork").Value("q", 0)  # the next item, for all
    shared = (task, state, items, taken)
    workers = min(processes, len(items)) - 1
    helpers: list[concurrent.futures.Future[list]] = []
    with contextlib.ExitStack() as stack:

        def start() -> bool:
            """Start the workers the free cores can take; whether all are started."""
            wanted = workers if busy is None or busy.ended() else workers - 1
            if wanted > len(helpers):
                more = wanted - len(helpers)
                pool = stack.enter_context(process_pool(more, shared))
                helpers.extend(pool.submit(_take_items, None) for _ in range(more))
            return len(helpers) == workers

        done = dict(_take_items(shared, None if start() else start))
        for helper in helpers:
            try:
                done.update(helper.result())
            except concurrent.futures.BrokenExecutor:  # a worker killed, out of memory
                raise WorkerDied(None) from None
    return [done[i] for i in range(len(items))]


def _take_items(
    shared: tuple[Callable[..., T], Any, Sequence[tuple[Any, ...]], Any],
    between: Callable[[], bool] | None,
) -> list:
    """Run items until none is left: `[(index, result), ...]`; after each, call `between`
    until it returns True."""
    task, state, items, taken = shared
    done = []
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value = i + 1
        if i >= len(items):
            return done
        try:
            done.append((i, task(state, *items[i])))
        except BaseException:
            with taken.get_lock():  # the others stop after the item they are on
                taken.value = len(items)
            raise
        if between is not None and between():
            between = None


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


@dataclass(frozen=True)
class Beside:
    """The process `beside` runs (None: the task runs after the body, in this process)."""

    process: Any = None

    def ended(self) -> bool:
        """Whether the process has ended (its copy of the heap freed)."""
        return self.process is None or not self.process.is_alive()


@contextlib.contextmanager
def beside(task: Callable[[Any], None], state: Any) -> Iterator[Beside]:
    """Run `task(state)` in a forked process while the body runs here; raise its error after.

    The process ends as soon as its task does, freeing what it copied of the parent's heap
    (a pool's worker lives until the pool closes: at 100,000 cases the downloads' worker
    held 1 GB through the whole writing of the pages). With one job, or without fork, the
    task runs here, after the body.
    """
    if jobs() == 1 or not can_fork():
        yield Beside()
        task(state)
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    gc.freeze()  # as for a pool: the child's collector then leaves the parent's heap alone
    try:
        process = context.Process(target=_run_beside, args=(task, state, send), daemon=True)
        process.start()
    finally:
        gc.unfreeze()
    send.close()
    try:
        yield Beside(process)
        try:
            error = receive.recv()
        except EOFError:  # it died without a word: killed, or out of memory
            process.join()
            raise WorkerDied(process.exitcode) from None
        if error is not None:
            raise error
    finally:  # after a failure here too: it finishes what it writes (atomically) first
        receive.close()
        process.join()


def _run_beside(task: Callable[[Any], None], state: Any, send: Any) -> None:
    """The forked process's body: run the task and report its error, or None. Its collector
    runs (the parent's may be paused): the parent's heap is frozen out of it."""
    _die_with_parent()
    gc.enable()
    try:
        task(state)
    except BaseException as exc:  # reported to the parent, which raises it
        try:
            send.send(exc)
        except Exception:  # an error that does not pickle: its text then
            send.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
    else:
        send.send(None)
    finally:
        send.close()
