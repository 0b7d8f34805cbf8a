"""Threads: one lock for torch and scipy, one stream of items fanned out to several consumers, and
bounds on how much freed memory the allocator keeps.

scipy's array-API checks look torch up in `sys.modules` on a function's first calls, and fail on a
torch another thread is half-way through importing (the sentence embedder loads while pose runs).
So torch is imported, and scipy imported and called, only while holding `TORCH_IMPORT`.
"""

from __future__ import annotations

import ctypes
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

TORCH_IMPORT = threading.RLock()
"""Held while importing torch (or what imports it) and around every call into scipy."""

T = TypeVar("T")
R = TypeVar("R")
_END = object()
POLL_S = 0.05
MALLOC_ARENAS = 2
"""Heaps glibc's malloc keeps for all threads together (its default is 8 per core)."""
MALLOC_MMAP_BYTES = 256 * 1024
"""Blocks at least this large get their own mapping, returned to the system when freed (a frame
of 640 x 360 is 0.7 MB; glibc's default threshold rises as such blocks are freed)."""
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8  # glibc's mallopt parameters


def bound_malloc() -> None:
    """Keep freed memory reusable in this process (glibc only; elsewhere nothing): threads share
    `MALLOC_ARENAS` heaps, and blocks from `MALLOC_MMAP_BYTES` up are mapped on their own.

    A compare runs a dozen threads at once (decoder, pose graphs and their workers, fan-out
    consumers) and frees a frame-sized block per sample: with glibc's defaults, memory one thread
    freed stayed in its heap or fragmented it, and a real-pair compare peaked at 570-690 MiB
    (varying from run to run) instead of 548, at the same speed."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the process's own symbols: libc's, no lookup
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
        mallopt(_M_MMAP_THRESHOLD, MALLOC_MMAP_BYTES)


def fan_out(items: Iterable[T], consumers: Sequence[Callable[[Iterator[T]], R]], ahead: int = 4) -> list[R]:
    """Each consumer's result over all the items, every consumer on its own thread while this thread
    produces the items (decoding, say), at most `ahead` items ahead of each consumer.

    The first error anywhere stops the others and is raised here.
    """
    queues: list[queue.Queue[object]] = [queue.Queue(maxsize=ahead) for _ in consumers]
    stop = threading.Event()

    def drain(inbox: queue.Queue[object]) -> Iterator[T]:
        while not stop.is_set():
            try:
                item = inbox.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if item is _END:
                return
            yield item  # type: ignore[misc]  # everything but the end marker is an item

    def run(consumer: Callable[[Iterator[T]], R], inbox: queue.Queue[object]) -> R:
        try:
            stream = drain(inbox)
            result = consumer(stream)
            for _ in stream:  # a consumer that stopped early must not block the producer
                pass
            return result
        except BaseException:
            stop.set()
            raise

    def put(inbox: queue.Queue[object], item: object) -> None:
        while not stop.is_set():
            try:
                inbox.put(item, timeout=POLL_S)
                return
            except queue.Full:
                continue

    with ThreadPoolExecutor(len(consumers), thread_name_prefix="fan-out") as pool:
        futures = [pool.submit(run, one, inbox) for one, inbox in zip(consumers, queues, strict=True)]
        try:
            for item in items:
                for inbox in queues:
                    put(inbox, item)
                if stop.is_set():
                    break
        except BaseException:
            stop.set()
            raise
        for inbox in queues:
            put(inbox, _END)
        return [future.result() for future in futures]
