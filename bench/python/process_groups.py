"""Helpers shared by the fault scripts: end a scenario's whole process group, stopped members included."""
import os
import signal


def end_group(process):
    """SIGCONT then SIGKILL the process group led by `process` (a Popen started with a new session), then reap it."""
    for sig in (signal.SIGCONT, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    process.wait()
