#!/usr/bin/env python3
"""What Python's multiprocessing does in the fault situations docs/reliability.md lists, measured:
run by `multiproc chaos --python` next to Multiproc's own figures. Each scenario runs in its own
process group with a deadline, since several of them hang by design. Prints one JSON object:
{"scenario": {"outcome": "...", "seconds": X}, ...}.
"""
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time

from process_groups import end_group


def sleep_forever(_=None):
    time.sleep(3600)


def spin(_=None):
    while True:
        pass


def quick(x):
    return x


def hold_lock(lock, ready):
    lock.acquire()
    ready.set()
    time.sleep(3600)


def failing_initializer():
    raise RuntimeError("initializer fails")


def scenario_task_timeout():
    # apply_async(...).get(timeout) gives up waiting, but the task keeps its worker busy.
    with mp.Pool(1) as pool:
        pool.apply_async(spin)
        try:
            pool.apply_async(spin).get(timeout=0.5)
        except mp.TimeoutError:
            pass
        started = time.perf_counter()
        try:
            pool.apply_async(quick, (1,)).get(timeout=2)
            return "the next task ran"
        except mp.TimeoutError:
            return "get(timeout) gave up, but the runaway task kept running: the next task still waited after %.1f s" % (
                time.perf_counter() - started)
        finally:
            pool.terminate()


def scenario_lock_holder_killed():
    lock = mp.Lock()
    ready = mp.Event()
    holder = mp.Process(target=hold_lock, args=(lock, ready))
    holder.start()
    ready.wait(10)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    got = lock.acquire(timeout=3)
    return "acquired" if got else "the lock stayed held by the dead process: acquire(timeout=3) failed (no owner-death recovery)"


def scenario_failing_initializer():
    pool = mp.Pool(2, initializer=failing_initializer)
    time.sleep(2)
    respawned = len({p.pid for p in pool._pool})
    started = time.perf_counter()
    result = pool.apply_async(quick, (1,))
    try:
        result.get(timeout=3)
        outcome = "task ran"
    except mp.TimeoutError:
        started_workers = max(int(p.name.rsplit("-", 1)[1]) for p in pool._pool)
        outcome = ("no error: %d workers were started and failed their initializer in %.0f s, and a task waited "
                   "%.0f s for nothing" % (started_workers, time.perf_counter() - started + 2, time.perf_counter() - started))
    pool.terminate()
    return outcome


def scenario_parent_killed():
    # A parent with a pool of 2 is SIGKILLed; are its workers still alive 2 s later?
    code = ("import multiprocessing as mp, time, sys\n"
            "sys.path.insert(0, %r)\n"
            "import faults\n"
            "if __name__ == '__main__':\n"
            "    pool = mp.Pool(2)\n"
            "    for _ in range(2): pool.apply_async(faults.sleep_forever)\n"
            "    time.sleep(1)\n"
            "    print(' '.join(str(p.pid) for p in pool._pool), flush=True)\n"
            "    time.sleep(3600)\n") % os.path.dirname(os.path.abspath(__file__))
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in parent.stdout.readline().split()]
    parent.kill()
    parent.wait()
    time.sleep(2)
    alive = [p for p in pids if os.path.exists("/proc/%d" % p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    return ("%d of %d workers still alive 2 s after the parent's SIGKILL (orphans)" % (len(alive), len(pids))) if alive \
        else "all workers gone within 2 s"


SCENARIOS = {
    "task_timeout": scenario_task_timeout,
    "lock_holder_killed": scenario_lock_holder_killed,
    "failing_initializer": scenario_failing_initializer,
    "parent_killed": scenario_parent_killed,
}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        print(json.dumps({"outcome": SCENARIOS[sys.argv[2]]()}), flush=True)
        return
    results = {}
    for name in SCENARIOS:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, __file__, "--scenario", name], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            out, _ = process.communicate(timeout=60)
            outcome = json.loads(out)["outcome"]
        except subprocess.TimeoutExpired:
            outcome = "hung: no outcome within 60 s"
        except (json.JSONDecodeError, KeyError):
            outcome = "failed to run"
        finally:
            end_group(process)
        results[name] = {"outcome": outcome, "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
