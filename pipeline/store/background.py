"""The graph exports written by a detached process, and stopping one a newer build outdates.

An export streams the whole database (about a minute at 100,000 documents) and holds a read
lock while it does: a build that publishes in place meanwhile could not commit, and the
files the export would leave describe the database as it was. So a build stops an export
still running on its database before it writes, and starts (or writes) a new one after.
The running export is known by a pid file beside the database, ``.<name>.exports.pid``.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

_MODULE = "pipeline.store.background"


def pid_path(db: str | os.PathLike) -> Path:
    db = Path(db)
    return db.with_name(f".{db.name}.exports.pid")


def start(db: str | os.PathLike) -> subprocess.Popen:
    """Write the exports of ``db`` from a detached process (each file replaced whole when done)."""
    return subprocess.Popen([sys.executable, "-m", _MODULE, str(db)], start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=str(Path(__file__).resolve().parents[2]))


def _gone(pid: int) -> bool:
    try:  # our own child (a build that started it, in the same process): reap it
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    try:  # a zombie no one has reaped yet is gone too
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except OSError:
        return False


def _is_export(pid: int) -> bool:
    """Whether ``pid`` runs this module (a recycled pid must not be signalled)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return _MODULE.encode() in fh.read()
    except FileNotFoundError:
        return not _gone(pid) and not Path("/proc/self").exists()  # no /proc: trust the pid file
    except OSError:
        return False


def stop(db: str | os.PathLike, wait: float = 10.0) -> bool:
    """Stop an export still running on ``db``; True if there was one."""
    pidfile = pid_path(db)
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    stopped = False
    if pid != os.getpid() and not _gone(pid) and _is_export(pid):
        try:
            os.kill(pid, signal.SIGTERM)
            stopped = True
        except OSError:
            pass
        deadline = time.monotonic() + wait
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
    pidfile.unlink(missing_ok=True)
    return stopped


def main(db: str) -> None:
    from pipeline.store.graph import export_database

    pidfile = pid_path(db)
    pidfile.write_text(str(os.getpid()))

    def end(_signum, _frame):
        raise SystemExit(1)  # through the writers' cleanup: no temporary file is left

    signal.signal(signal.SIGTERM, end)
    try:
        export_database(db)
    finally:
        try:
            if pidfile.read_text().strip() == str(os.getpid()):
                pidfile.unlink()
        except OSError:
            pass


if __name__ == "__main__":  # python -m pipeline.store.background DB
    main(sys.argv[1])
