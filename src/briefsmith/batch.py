"""Batch building: shards of the brief set and parallel worker processes.

Sharding is by a hash of the brief's name (SHA-256, never Python's salted ``hash()``), so a
brief lands in the same shard on every machine and in every run, and adding a brief moves
no other brief to another shard (a shard's cached output folder stays valid).  With few
briefs the shards can be uneven, and a shard may even be empty.

Workers are separate processes (layout is pure Python, so threads would share one core).
Each task renders and writes one PDF and returns a small result; PDF bytes never travel
back to the parent.  Results are handed to ``on_done`` as they finish and returned in task
order, so everything derived from them (the manifest, the summary) is the same whatever
the number of workers.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # process pools are imported only when a build uses them
    import multiprocessing.context
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")
_SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as in a CI matrix ``1/4`` .. ``4/4``)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD_RE.match(text)
        if not match:
            raise ValueError(f"a shard is written K/N, such as 1/4; got '{text}'")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise ValueError(f"shard {index}/{count}: K must be between 1 and N")
        return cls(index, count)

    def contains(self, name: str) -> bool:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def available_cpus() -> int:
    """The CPUs this process may run on (a container's quota, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def peak_memory() -> int:
    """This process's peak resident memory in bytes (0 where the platform cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KiB


def run_all(func: Callable[[T], R], tasks: Sequence[T], *, jobs: int,
            on_done: Callable[[R], None] | None = None,
            before_fork: Callable[[], None] | None = None) -> list[R]:
    """``[func(t) for t in tasks]``, in up to ``jobs`` worker processes.

    With one job or one task everything runs in this process (no start-up cost).
    ``before_fork`` runs first when workers are used: work done there (fonts loaded) is
    inherited by forked workers instead of being repeated in each.
    """
    results: list[R | None] = [None] * len(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for index, task in enumerate(tasks):
            results[index] = func(task)
            if on_done is not None:
                on_done(results[index])  # type: ignore[arg-type]
        return results  # type: ignore[return-value]
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = _context()
    if before_fork is not None and context.get_start_method() == "fork":
        before_fork()
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: dict[Future, int] = {}
        queue = iter(enumerate(tasks))
        # Keep a few tasks queued per worker: enough to never idle, few enough that the
        # parent does not pickle the whole batch up front.
        for index, task in queue:
            pending[pool.submit(func, task)] = index
            if len(pending) >= workers * 2:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                results[index] = future.result()
                if on_done is not None:
                    on_done(results[index])  # type: ignore[arg-type]
                following = next(queue, None)
                if following is not None:
                    pending[pool.submit(func, following[1])] = following[0]
    return results  # type: ignore[return-value]


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe and cheap (Linux, no other threads): workers start with
    everything already imported; elsewhere the platform's default start method."""
    import multiprocessing

    if sys.platform.startswith("linux") and _single_threaded():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _single_threaded() -> bool:
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir()) == 1
    except OSError:
        return False
