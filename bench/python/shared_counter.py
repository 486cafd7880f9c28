#!/usr/bin/env python3
"""Python reference for the `shared` benchmark group: P processes x N increments of one shared
multiprocessing.Value('i'), without the lock (`v.value += 1`: updates get lost) and with it
(`with v.get_lock(): v.value += 1`: exact).

Usage: shared_counter.py [--processes P] [--n N] [--method spawn|fork|forkserver]
Prints one JSON object:
  {"processes": P, "n": N, "expected": P*N,
   "unlocked_final": F, "unlocked_per_second": X, "locked_final": F, "locked_per_second": X}

Each process first runs its N increments once on a separate Value (unmeasured, as the Java side
warms up its JIT), then waits at a barrier; each times its own measured loop (perf_counter), and the
rate is P*N over the slowest process's time. Run side by side with `./multiproc bench shared`,
which calls this script with the same P and N.
"""
import argparse
import json
import multiprocessing as mp
import time


def increment(counter, n, locked):
    if locked:
        lock = counter.get_lock()
        for _ in range(n):
            with lock:
                counter.value += 1
    else:
        for _ in range(n):
            counter.value += 1


def work(counter, warm, barrier, elapsed, index, n, locked):
    increment(warm, n, locked)
    barrier.wait()
    t0 = time.perf_counter()
    increment(counter, n, locked)
    elapsed[index] = time.perf_counter() - t0


def run(ctx, processes, n, locked):
    counter = ctx.Value('i', 0)
    warm = ctx.Value('i', 0)
    barrier = ctx.Barrier(processes)
    elapsed = ctx.Array('d', processes)
    procs = [ctx.Process(target=work, args=(counter, warm, barrier, elapsed, i, n, locked)) for i in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise SystemExit(f"worker exited with {p.exitcode}")
    return counter.value, processes * n / max(elapsed[:])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--method", default="spawn", choices=["spawn", "fork", "forkserver"])
    args = parser.parse_args()
    ctx = mp.get_context(args.method)
    unlocked_final, unlocked_rate = run(ctx, args.processes, args.n, False)
    locked_final, locked_rate = run(ctx, args.processes, args.n, True)
    print(json.dumps({
        "processes": args.processes,
        "n": args.n,
        "expected": args.processes * args.n,
        "unlocked_final": unlocked_final,
        "unlocked_per_second": unlocked_rate,
        "locked_final": locked_final,
        "locked_per_second": locked_rate,
    }))


if __name__ == "__main__":
    main()
