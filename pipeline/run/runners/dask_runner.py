"""Run the per-file stage of the build on Dask (``pip install 'vanban[dask]'``).

The build has two stages: reading + extraction, independent per file, and the load step
that assembles every result into one database. This runner hands the first to Dask — a
local thread/process pool, or a ``distributed`` cluster of many machines — and keeps the
second in the calling process, so the database is the same as with the process pool:

    from dask.distributed import Client
    from pipeline.run.build import build_database
    from pipeline.run.runners.dask_runner import dask_runner

    client = Client("tcp://scheduler:8786")          # or None for the local scheduler
    build_database([Path("data/raw")], Path("data/out/vanban.db"),
                   runner=dask_runner(client=client))

Workers must see the input paths (a shared file system) and the cache folder, where
each worker writes its result; the caller reads them back through the returned entries.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Iterator


def dask_runner(scheduler: str | None = None, client=None, batch: int = 64):
    """A runner for :func:`pipeline.run.build.build_database`.

    ``client``: a ``dask.distributed.Client`` (tasks go to its cluster, results stream back
    as they finish). Otherwise ``scheduler`` names a local Dask scheduler
    (``"sync"``/``"synchronous"`` — in-process, for tests and debugging — ``"threads"``,
    ``"processes"``); tasks then run in batches of ``batch`` files.

    The build's time budget per file (``timeout``) holds here too: on a cluster, a file still
    running after it is recorded as "took over N s" (its future cancelled) and the batch goes
    on; on the local schedulers each call is stopped by an alarm where it runs in a process's
    main thread (``sync``, ``processes``).
    """
    import dask  # noqa: F401  (fail early, with the extra's name, when missing)

    def run(func, tasks: list, timeout: float | None = None) -> Iterator[tuple[int, dict]]:
        if client is not None:
            yield from _on_cluster(client, func, tasks, timeout)
            return
        import dask as _dask

        budgeted = functools.partial(_budgeted, func, timeout)
        for start in range(0, len(tasks), batch):
            chunk = tasks[start:start + batch]
            delayed = [_dask.delayed(budgeted, pure=False)(t) for t in chunk]
            for offset, result in enumerate(_dask.compute(*delayed, scheduler=scheduler or "threads")):
                yield start + offset, result

    return run


def _budgeted(func, timeout, task):
    from pipeline.run.build import run_with_budget

    return run_with_budget(func, task, timeout)


def _on_cluster(client, func, tasks: list, timeout: float | None) -> Iterator[tuple[int, dict]]:
    """Futures on the cluster, results as they finish. With a time budget, at most one task
    per worker thread is in flight, so a task starts when it is submitted: one still running
    ``timeout`` seconds later is recorded as "took over N s", cancelled, and the next goes in.
    (A cancelled call may keep its thread busy until it returns; the cluster goes on.)"""
    from dask.distributed import as_completed, wait

    from pipeline.run.build import timeout_entry

    if timeout is None:
        futures = client.map(func, tasks, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures):
            yield index[fut.key], fut.result()
        return
    slots = max(1, sum(client.nthreads().values()))
    queue = list(range(len(tasks)))[::-1]
    flight: dict = {}  # future → (task index, submitted at)

    def submit() -> None:
        while queue and len(flight) < slots:
            i = queue.pop()
            flight[client.submit(func, tasks[i], pure=False)] = (i, time.monotonic())

    submit()
    while flight:
        first = min(t for _, t in flight.values())
        try:
            wait(list(flight), timeout=max(0.05, first + timeout - time.monotonic()), return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished in time: look for the one over its budget
            pass
        for f in [f for f in flight if f.done()]:
            i, _ = flight.pop(f)
            yield i, f.result()
        now = time.monotonic()
        for f in [f for f, (_, t) in flight.items() if now - t >= timeout]:
            i, _ = flight.pop(f)
            f.cancel()
            yield i, timeout_entry(tasks[i], timeout)
        submit()
