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

from collections.abc import Iterator


def dask_runner(scheduler: str | None = None, client=None, batch: int = 64):
    """A runner for :func:`pipeline.run.build.build_database`.

    ``client``: a ``dask.distributed.Client`` (tasks go to its cluster, results stream back
    as they finish). Otherwise ``scheduler`` names a local Dask scheduler
    (``"sync"``/``"synchronous"`` — in-process, for tests and debugging — ``"threads"``,
    ``"processes"``); tasks then run in batches of ``batch`` files.
    """
    import dask  # noqa: F401  (fail early, with the extra's name, when missing)

    def run(func, tasks: list) -> Iterator[tuple[int, dict]]:
        if client is not None:
            from dask.distributed import as_completed

            futures = client.map(func, tasks, pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            for fut in as_completed(futures):
                yield index[fut.key], fut.result()
            return
        import dask as _dask

        for start in range(0, len(tasks), batch):
            chunk = tasks[start:start + batch]
            delayed = [_dask.delayed(func, pure=False)(t) for t in chunk]
            for offset, result in enumerate(_dask.compute(*delayed, scheduler=scheduler or "threads")):
                yield start + offset, result

    return run
