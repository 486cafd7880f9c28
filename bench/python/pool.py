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


def measure(out, name, items, args, workload):
    """As the Java side: time the first (cold) run, repeat unmeasured until the warm-up time is
    over, time `runs` runs; out[name] from the median run, out[name + "_cold"] from the first."""
    t0 = time.perf_counter()
    workload()
    cold = time.perf_counter() - t0
    while time.perf_counter() < t0 + args.warmup_seconds:
        workload()
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        workload()
        seconds.append(time.perf_counter() - start)
    out[name] = items / statistics.median(seconds)
    out[name + "_cold"] = items / cold


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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup-seconds", type=float, default=2.0)
    parser.add_argument("--map-items", type=int, default=1000000)
    parser.add_argument("--map-chunksize", type=int, default=10000)
    parser.add_argument("--cpu-tasks", type=int, default=8)
    parser.add_argument("--cpu-repeats", type=int, default=5)
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
        warm_until = time.perf_counter() + args.warmup_seconds
        i = 0
        while i < args.latency_calls or time.perf_counter() < warm_until:  # unmeasured, as on the Java side
            pool.apply(inc, (i,))
            i += 1
        lat = []
        for i in range(args.latency_calls):
            t0 = time.perf_counter()
            pool.apply(inc, (i,))
            lat.append((time.perf_counter() - t0) * 1e6)
        out["apply_latency_p50"] = percentile(lat, 50)
        out["apply_latency_p99"] = percentile(lat, 99)

        # Every throughput workload warms up for --warmup-seconds, on both sides (the JVM needs it
        # for its JIT; Python gets the same treatment), then runs --runs times measured: the median.
        def apply_async_all():
            for r in [pool.apply_async(inc, (i,)) for i in range(args.tasks)]:
                r.get()

        measure(out, "apply_async_throughput", args.tasks, args, apply_async_all)

        items = range(args.map_items)
        measure(out, "map_throughput", args.map_items, args,
                lambda: pool.map(double, items, chunksize=args.map_chunksize))

    with ProcessPoolExecutor(args.processes, mp_context=ctx) as executor:
        executor.submit(noop).result()

        def submit_all():
            for f in as_completed([executor.submit(inc, i) for i in range(args.tasks)]):
                f.result()

        measure(out, "executor_throughput", args.tasks, args, submit_all)

    def cpu_time(processes):
        with ctx.Pool(processes) as pool:
            pool.map(burn, [1000] * processes)  # warm
            t0 = time.perf_counter()
            pool.map(burn, [args.cpu_iterations] * args.cpu_tasks, chunksize=1)
            return time.perf_counter() - t0

    # A ratio of two short runs: the median of a few, as the Java side.
    out["cpu_speedup"] = statistics.median(
        cpu_time(1) / cpu_time(args.processes) for _ in range(args.cpu_repeats))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
