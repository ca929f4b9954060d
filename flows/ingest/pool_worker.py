"""What a process-pool worker runs. Kept apart from the Prefect tasks: a spawned worker imports this
module, and importing Prefect would cost each worker a lot of CPU at every run's start."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

from extractors.analysis import analyze_pages
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from flows.seed_files import Models, TaggingFiles

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL_S = 0.5

_worker_models: Models | None = None


def init_worker(tagging: TaggingFiles, owner_pid: int) -> None:
    exit_with_owner(owner_pid)
    global _worker_models
    _worker_models = tagging.models()


def analyze_in_worker(pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    assert _worker_models is not None, "worker not initialised"
    return analyze_pages(pages, *_worker_models)


def exit_with_owner(owner_pid: int) -> None:
    """End this worker when the process that owns its pool dies, however it dies: a SIGKILLed run gives
    its workers no chance to be shut down, and they would live on under PID 1, holding their memory.

    On Linux the kernel sends SIGKILL at once (PR_SET_PDEATHSIG). That signal follows the *thread* that
    started the worker, so the Analyzer starts every worker from its own thread, which outlives the pool.
    A watchdog thread is the fallback everywhere: it polls for a new parent (the orphan's reaper).
    """
    if sys.platform.startswith("linux"):
        _ask_for_parent_death_signal()
    if os.getppid() != owner_pid:  # the owner died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_owner, args=(owner_pid,), name="owner-watchdog", daemon=True).start()


def _ask_for_parent_death_signal() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watchdog still ends the worker


def _watch_owner(owner_pid: int) -> None:
    while os.getppid() == owner_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)
