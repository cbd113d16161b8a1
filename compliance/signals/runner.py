"""Read every log record once, on every core, and evaluate the signals.

The input is cut into partitions (compliance/sources/logs/partitions.py); each partition is
read by one process into its own `Accumulator`, and the accumulators are merged in partition
order, so the output is the same with one process or many. Small inputs are read in-process
(starting workers costs more than it saves).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from compliance.signals.collect import Accumulator
from compliance.signals.compiled import SignalSet
from compliance.signals.evaluate import AccountResult, Cluster, evaluate
from compliance.signals.progress import Progress
from compliance.sources.logs import ReadStats
from compliance.sources.logs.partitions import BATCH, CHUNK_BYTES, Partition, plan, read_partition_batches
from compliance.sources.logs.streams import STDIN

PARALLEL_MIN_BYTES = 8 << 20
GC_YOUNG = 20_000  # allocations between young-generation collections while reading (CPython's default: 700)

_worker_signals: SignalSet | None = None
_worker_counter: Any = None


@dataclass
class Analysis:
    """What the logs showed: ranked accounts, clusters, and everything about the reading."""

    accounts: list[AccountResult]
    clusters: list[Cluster]
    stats: ReadStats
    file_records: dict[str, int]
    signals: SignalSet
    bytes: int = 0
    seconds: float = 0.0
    workers: int = 1
    files: list[str] = field(default_factory=list)


def _read(part: Partition, signals: SignalSet, counter: Any = None, progress: Progress | None = None) -> Accumulator:
    acc = Accumulator(signals)
    batch: list[Any] = []
    with _quiet_gc(signals) as settle:
        for records in read_partition_batches(part, acc.stats):
            batch.extend(records)
            while len(batch) >= BATCH:
                _fold(acc, batch[:BATCH], counter, progress)
                del batch[:BATCH]
                settle()
        _fold(acc, batch, counter, progress)
    return acc


@contextmanager
def _quiet_gc(signals: SignalSet) -> Iterator[Callable[[], None]]:
    """Keep the cyclic garbage collector off the long-lived objects while records stream by.

    Reading makes millions of short-lived containers; every full collection would also walk
    everything already loaded (spaCy's vocabulary and tables, the rule packs), which cost about
    a sixth of the CPU. The loaded objects are frozen (gc.freeze) and young collections run less
    often; `settle()` freezes spaCy too once the lemma tests have loaded it. Everything is
    restored on exit. Records hold no reference cycles, so nothing is kept longer."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], GC_YOUNG), *old[1:])
    lemmas = signals.lemmas
    frozen_with_spacy = lemmas.loaded

    def settle() -> None:
        nonlocal frozen_with_spacy
        if not frozen_with_spacy and lemmas.loaded:
            gc.freeze()
            frozen_with_spacy = True

    try:
        yield settle
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _fold(acc: Accumulator, batch: list[Any], counter: Any, progress: Progress | None) -> None:
    if not batch:
        return
    acc.add_batch(batch)
    if counter is not None:
        with counter.get_lock():
            counter.value += len(batch)
    if progress is not None:
        progress.advance_records(len(batch))


def _init_worker(signals: SignalSet, counter: Any) -> None:
    global _worker_signals, _worker_counter
    _worker_signals, _worker_counter = signals, counter


def _run_in_worker(part: Partition) -> Accumulator:
    assert _worker_signals is not None
    return _read(part, _worker_signals, _worker_counter)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _part_bytes(part: Partition, sizes: dict[str, int]) -> int:
    if part.is_range:
        return part.end - part.start
    return sum(sizes.get(p, 0) for p in part.files)


def _parallel(parts: list[Partition], signals: SignalSet, workers: int, progress: Progress,
              sizes: dict[str, int], merge: Any) -> None:
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    counter = context.Value("q", 0)
    results: dict[int, Accumulator] = {}  # finished out of order, waiting for their turn to merge
    local = [i for i, p in enumerate(parts) if STDIN in p.files]  # only this process has our stdin
    following = 0

    def merge_ready() -> None:
        nonlocal following
        while following in results:
            merge(parts[following], results.pop(following))
            following += 1

    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(signals, counter)) as pool:
        pending: dict[Future[Accumulator], int] = {
            pool.submit(_run_in_worker, p): i for i, p in enumerate(parts) if i not in local}
        for i in local:
            results[i] = _read(parts[i], signals, progress=progress)
        seen = 0
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                results[index] = future.result()
                progress.advance_bytes(_part_bytes(parts[index], sizes))
            merge_ready()
            value = counter.value
            progress.advance_records(value - seen)
            seen = value
    merge_ready()


def analyse(paths: list[str], signals: SignalSet, log_format: str | None = None, *, workers: int | None = None,
            progress: bool | None = None, chunk_bytes: int = CHUNK_BYTES) -> Analysis:
    """Stream the logs once and evaluate every signal. `workers=1` stays in this process."""
    started = time.perf_counter()
    total = Accumulator(signals)
    layout = plan(paths, log_format, total.stats, chunk_bytes)
    parts = layout.partitions
    workers = default_workers() if workers is None else max(1, workers)
    use = min(workers, len(parts))
    offsets: dict[str, int] = {}

    def merge(part: Partition, partial: Accumulator) -> None:
        """Partials merge in partition order, as soon as their turn comes (memory stays flat)."""
        if part.is_range:
            path = part.files[0]
            partial.shift_lines(path, offsets.get(path, 0))
            offsets[path] = offsets.get(path, 0) + partial.stats.lines
        total.merge(partial)

    with Progress(layout.total_bytes, enabled=progress) as bar:
        if use > 1 and layout.total_bytes >= PARALLEL_MIN_BYTES:
            _parallel(parts, signals, use, bar, layout.sizes, merge)
        else:
            use = 1
            for part in parts:
                merge(part, _read(part, signals, progress=bar))
                bar.advance_bytes(_part_bytes(part, layout.sizes))
    ranked, found = evaluate(total.accounts, signals)
    files = sorted({p for part in parts for p in part.files})
    return Analysis(ranked, found, total.stats, total.file_records, signals, layout.total_bytes,
                    time.perf_counter() - started, use, files)
