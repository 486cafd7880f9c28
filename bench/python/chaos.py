#!/usr/bin/env python3
"""Python's side of `multiproc chaos --python`: the same scenario on multiprocessing.Pool(2) and on
concurrent.futures.ProcessPoolExecutor(2) - tiny tasks while a thread kills random workers with
SIGKILL / SIGTERM / SIGSTOP - and what comes of it.

multiprocessing.Pool replaces a dead worker but never re-runs or fails the task it was running:
the result iterator waits forever (a hang, detected here with a timeout). ProcessPoolExecutor marks
itself broken on the first death: every pending future fails with BrokenProcessPool and the
executor takes no more work. A SIGSTOPped worker is not detected by either.

Prints one JSON object per pool: tasks, completed, failed, lost (no outcome: hung), duplicated,
kills, seconds, and what happened.
"""
import argparse
import concurrent.futures
import subprocess
import sys
import json
import multiprocessing
import os
import random
import signal
import threading
import time

from process_groups import end_group

SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM, "STOP": signal.SIGSTOP}


def task(n):
    end = time.perf_counter() + 0.0001
    while time.perf_counter() < end:
        pass
    return n


def chaos(pids_of, kills, interval, signals, seed, stop):
    rng = random.Random(seed)
    done = 0
    while done < kills and not stop.is_set():
        time.sleep(interval)
        pids = pids_of()
        if not pids:
            continue
        try:
            os.kill(rng.choice(pids), SIGNALS[rng.choice(signals)])
            done += 1
        except ProcessLookupError:
            pass
    return done


def run_pool(tasks, kills, interval, signals, seed, patience):
    started = time.perf_counter()
    seen = [0] * tasks
    stop = threading.Event()
    kills_done = [0]
    with multiprocessing.Pool(2) as pool:
        pids = lambda: [p.pid for p in pool._pool if p.is_alive()]  # noqa: E731 (Pool has no public pid list)
        t = threading.Thread(target=lambda: kills_done.__setitem__(0, chaos(pids, kills, interval, signals, seed, stop)))
        t.start()
        results = pool.imap(task, range(tasks))  # chunksize 1: a chunked imap has no next(timeout)
        hung = False
        try:
            for _ in range(tasks):
                seen[results.next(timeout=patience)] += 1
        except multiprocessing.TimeoutError:
            hung = True
        stop.set()
        t.join()
        completed = sum(1 for c in seen if c)
        # Report before terminate(): it may deadlock on a queue lock that a killed worker held.
        print(json.dumps({"pool": "multiprocessing.Pool(2) imap", "tasks": tasks, "completed": completed, "failed": 0,
                          "lost": tasks - completed, "duplicated": sum(c - 1 for c in seen if c > 1), "kills": kills_done[0],
                          "seconds": time.perf_counter() - started,
                          "what_happened": "hung waiting for tasks whose worker died (no error, no retry)" if hung else "completed"}),
              flush=True)
        for p in pool._pool:  # un-stop stopped workers so terminate() can end them
            try:
                os.kill(p.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        pool.terminate()


def run_executor(tasks, kills, interval, signals, seed, patience):
    started = time.perf_counter()
    stop = threading.Event()
    kills_done = [0]
    completed = failed = lost = 0
    broken = False
    executor = concurrent.futures.ProcessPoolExecutor(2)
    try:
        futures = [executor.submit(task, n) for n in range(tasks)]
        pids = lambda: list(executor._processes.keys()) if executor._processes else []  # noqa: E731
        t = threading.Thread(target=lambda: kills_done.__setitem__(0, chaos(pids, kills, interval, signals, seed, stop)))
        t.start()
        for f in futures:
            try:
                f.result(timeout=patience)
                completed += 1
            except concurrent.futures.process.BrokenProcessPool:
                failed += 1
                broken = True
            except concurrent.futures.TimeoutError:
                lost += 1
                break
        stop.set()
        t.join()
    finally:
        for pid in list((executor._processes or {}).keys()):
            try:
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        executor.shutdown(wait=False, cancel_futures=True)
    lost = tasks - completed - failed
    return {"pool": "ProcessPoolExecutor(2)", "tasks": tasks, "completed": completed, "failed": failed,
            "lost": lost, "duplicated": 0, "kills": kills_done[0], "seconds": time.perf_counter() - started,
            "what_happened": "broken after the first kill: every pending task failed with BrokenProcessPool, no more work accepted"
            if broken else ("hung" if lost else "completed")}


def scenario(name, args):
    """Runs one scenario in its own process group with a deadline: Python's pools can deadlock."""
    command = [sys.executable, __file__, "--scenario", name, "--tasks", str(args.tasks), "--kills", str(args.kills),
               "--kill-interval-ms", str(args.kill_interval_ms), "--signals", args.signals, "--seed", str(args.seed),
               "--patience", str(args.patience)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=args.deadline)
        return json.loads(out)
    except subprocess.TimeoutExpired as e:
        out = e.output or b""
        end_group(process)
        if out.strip():  # it reported, then deadlocked shutting down
            result = json.loads(out.decode().splitlines()[0])
            result["what_happened"] += "; then terminate() deadlocked (a killed worker held the queue lock)"
            return result
        end_group(process)
        return {"pool": name, "tasks": args.tasks, "completed": None, "failed": None, "lost": None, "duplicated": None,
                "kills": None, "seconds": time.perf_counter() - started,
                "what_happened": "deadlocked: no outcome within %d s (a worker killed while holding the pool's queue lock "
                                 "blocks the other workers and terminate() forever)" % args.deadline}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--kill-interval-ms", type=int, default=50)
    parser.add_argument("--signals", default="KILL,TERM,STOP")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--patience", type=float, default=10.0, help="seconds without progress that count as a hang")
    parser.add_argument("--deadline", type=float, default=40.0, help="seconds a whole scenario may take")
    parser.add_argument("--scenario", choices=["pool", "executor"])
    args = parser.parse_args()
    signals = args.signals.split(",")
    interval = args.kill_interval_ms / 1000
    if args.scenario == "pool":
        run_pool(args.tasks, args.kills, interval, signals, args.seed, args.patience)
    elif args.scenario == "executor":
        print(json.dumps(run_executor(args.tasks, args.kills, interval, signals, args.seed, args.patience)))
    else:
        print(json.dumps({"pool": scenario("pool", args), "executor": scenario("executor", args)}))


if __name__ == "__main__":
    main()
