#!/usr/bin/env python3
"""Python reference for `./multiproc bench pool`: multiprocessing.Pool(2) and
concurrent.futures.ProcessPoolExecutor(2), measured exactly as the Java side measures Multiproc.

Prints one JSON object with: pool_startup (ms), apply_latency_p50 / apply_latency_p99 (us),
apply_async_throughput and executor_throughput (tasks/s), map_throughput (items/s),
cpu_speedup (x, 2 processes over 1).
"""
import argparse
import json
import multiprocessing as mp
import statistics
import time
from concurrent.futures import ProcessPoolExecutor, as_completed


def noop():
    return None


def inc(x):
    return x + 1


def double(x):
    return x * 2


def burn(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def percentile(samples, p):
    s = sorted(samples)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--latency-calls", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=50000)
    parser.add_argument("--map-items", type=int, default=1000000)
    parser.add_argument("--map-chunksize", type=int, default=10000)
    parser.add_argument("--cpu-tasks", type=int, default=8)
    parser.add_argument("--cpu-iterations", type=int, default=1500000)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    out = {}

    startups = []
    for _ in range(args.startup_runs):
        t0 = time.perf_counter()
        with ctx.Pool(args.processes) as pool:
            pool.apply(noop)
            startups.append((time.perf_counter() - t0) * 1000.0)
    out["pool_startup"] = statistics.median(startups)

    with ctx.Pool(args.processes) as pool:
        for i in range(args.latency_calls):  # warm-up, unmeasured (same count on the Java side)
            pool.apply(inc, (i,))
        lat = []
        for i in range(args.latency_calls):
            t0 = time.perf_counter()
            pool.apply(inc, (i,))
            lat.append((time.perf_counter() - t0) * 1e6)
        out["apply_latency_p50"] = percentile(lat, 50)
        out["apply_latency_p99"] = percentile(lat, 99)

        # Every throughput workload runs once unmeasured first, on both sides (the JVM needs it
        # for its JIT; Python gets the same treatment).
        for r in [pool.apply_async(inc, (i,)) for i in range(args.tasks)]:
            r.get()
        t0 = time.perf_counter()
        results = [pool.apply_async(inc, (i,)) for i in range(args.tasks)]
        for r in results:
            r.get()
        out["apply_async_throughput"] = args.tasks / (time.perf_counter() - t0)

        items = range(args.map_items)
        pool.map(double, items, chunksize=args.map_chunksize)
        t0 = time.perf_counter()
        pool.map(double, items, chunksize=args.map_chunksize)
        out["map_throughput"] = args.map_items / (time.perf_counter() - t0)

    with ProcessPoolExecutor(args.processes, mp_context=ctx) as executor:
        executor.submit(noop).result()
        for f in as_completed([executor.submit(inc, i) for i in range(args.tasks)]):
            f.result()
        t0 = time.perf_counter()
        futures = [executor.submit(inc, i) for i in range(args.tasks)]
        for f in as_completed(futures):
            f.result()
        out["executor_throughput"] = args.tasks / (time.perf_counter() - t0)

    def cpu_time(processes):
        with ctx.Pool(processes) as pool:
            pool.map(burn, [1000] * processes)  # warm
            t0 = time.perf_counter()
            pool.map(burn, [args.cpu_iterations] * args.cpu_tasks, chunksize=1)
            return time.perf_counter() - t0

    one = cpu_time(1)
    two = cpu_time(args.processes)
    out["cpu_speedup"] = one / two
    print(json.dumps(out))


if __name__ == "__main__":
    main()
