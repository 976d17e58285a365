"""Backfill many days: each day is one independent task (a dump in, its partition and manifest row out).

Tasks run in a local process pool (``workers``) or on a Dask distributed cluster (``scheduler``
address; Dask is the optional extra ``cluster``). A failed day is retried (``retries`` times: the
pool resubmits it, Dask's own ``retries`` does on the cluster) unless it failed on bad input, which
no retry fixes. The run is resumable: a day whose partition already holds the dump's sha1 is
skipped, and partitions are swapped into place whole, so an interrupted backfill loses at most the
days in flight. The manifest is rebuilt from the partitions at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from site_builder.dsa_sor import store
from site_builder.dsa_sor.layout import DumpFile, dump_name, parse_dump_path
from site_builder.errors import InputError


@dataclass(frozen=True)
class TaskResult:
    """What one day's task returned (picklable): the dump, the action taken or the error."""

    dump: str
    action: str = ""
    rows_read: int = 0
    error: str = ""
    bad_input: bool = False


@dataclass
class BackfillResult:
    done: list[TaskResult] = field(default_factory=list)
    failed: list[TaskResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    manifest: Path | None = None


def day_task(path: str, store_dir: str, scratch: str | None = None, threads: int | None = None,
             force: bool = False) -> TaskResult:
    """Read one dump into the store. Bad input is returned, not raised (it is not worth a retry)."""
    dump = parse_dump_path(Path(path))
    try:
        out = store.process_day(dump, Path(store_dir), scratch=Path(scratch) if scratch else None, threads=threads, force=force)
    except InputError as e:
        return TaskResult(dump.name, error=str(e), bad_input=True)
    return TaskResult(dump.name, out.action, out.row.rows_read)


def find_dumps(raw: Path, slug: str, variant: str, first: date, last: date) -> tuple[list[DumpFile], list[str]]:
    """The dump of each day first..last under ``raw`` (the newest copy when the fetch cache holds several
    vintages), and the names of the days without one."""
    found, missing = [], []
    day = first
    while day <= last:
        name = dump_name(slug, day, variant)
        copies = sorted(raw.rglob(name))
        if copies:
            found.append(parse_dump_path(copies[-1]))
        else:
            missing.append(name)
        day += timedelta(days=1)
    return found, missing


def backfill(raw: Path, first: date, last: date, *, store_dir: Path = store.DEFAULT_STORE, slug: str = "global",
             variant: str = "full", workers: int = 1, scheduler: str | None = None, retries: int = 2,
             force: bool = False, scratch: Path | None = None,
             progress: Callable[[TaskResult], None] | None = None) -> BackfillResult:
    dumps, missing = find_dumps(raw, slug, variant, first, last)
    result = BackfillResult(missing=missing)
    threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    args = [(str(d.path), str(store_dir), str(scratch) if scratch else None, threads, force) for d in dumps]
    run = _on_dask if scheduler else _in_pool
    try:
        for r in run(args, workers=workers, scheduler=scheduler, retries=retries):
            (result.failed if r.error else result.done).append(r)
            if progress:
                progress(r)
    finally:  # what was read is in the store: the manifest says so even when the run stops
        result.manifest = store.write_manifest(store_dir, slug, variant)
    return result


def _in_pool(args: list[tuple], *, workers: int, scheduler: str | None, retries: int):  # type: ignore[no-untyped-def]
    """Run the tasks on a process pool; a crashed task (or a worker killed, which breaks the pool:
    the pool is then started again and every task in flight resubmitted) is retried."""
    attempts = dict.fromkeys(range(len(args)), 0)
    waiting = list(range(len(args)))
    while waiting:
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            running: dict[Future[TaskResult], int] = {pool.submit(day_task, *args[i]): i for i in waiting}
            waiting = []
            broken = False
            for fut in as_completed(list(running)):
                i = running[fut]
                try:
                    r = fut.result()
                except BrokenProcessPool as e:
                    broken = True
                    r = TaskResult(Path(args[i][0]).name, error=f"worker process died: {e}")
                except Exception as e:  # a crash of the task (not bad input): worth another try
                    r = TaskResult(Path(args[i][0]).name, error=f"{type(e).__name__}: {e}")
                if r.error and not r.bad_input and attempts[i] < retries:
                    attempts[i] += 1
                    if broken:
                        waiting.append(i)
                    else:
                        try:
                            running[pool.submit(day_task, *args[i])] = i
                        except BrokenProcessPool:
                            waiting.append(i)
                    continue
                yield r
            waiting = sorted(set(waiting))


def _on_dask(args: list[tuple], *, workers: int, scheduler: str | None, retries: int):  # type: ignore[no-untyped-def]
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise InputError("--scheduler", "Dask distributed is not installed",
                         expected="pip install '.[cluster]' (the optional extra with dask.distributed)") from None
    with Client(scheduler) as client:
        futures = {client.submit(day_task, *a, retries=retries, pure=False, key=f"dsa-day-{Path(a[0]).name}"): a
                   for a in args}
        for fut in as_completed(futures):
            a = futures[fut]
            try:
                yield fut.result()
            except Exception as e:
                yield TaskResult(Path(a[0]).name, error=f"{type(e).__name__}: {e}")
