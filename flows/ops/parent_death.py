"""Child processes that die with the process that started them, even when that one is SIGKILLed and gets
no chance to stop them: otherwise they live on under PID 1, holding their memory and ports.

On Linux the kernel sends a signal of our choice when the parent dies (PR_SET_PDEATHSIG). It follows the
*thread* that started the child, so children must be started from a thread that outlives them. The signal
survives exec, which is how `python flows/ops/parent_death.py OWNER_PID PROGRAM ARGS...` gives it to a
program that is not ours (the Prefect server).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def ask_for_parent_death_signal(sig: signal.Signals) -> bool:
    """Have the kernel send `sig` to this process when its parent dies; False where it cannot (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def exec_tied_to(owner_pid: int, argv: list[str]) -> None:
    """Become argv, to get SIGTERM (a clean shutdown) when `owner_pid`, our parent, dies."""
    ask_for_parent_death_signal(signal.SIGTERM)
    if os.getppid() != owner_pid:  # the owner died before the signal was asked for
        sys.exit(1)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    exec_tied_to(int(sys.argv[1]), sys.argv[2:])
