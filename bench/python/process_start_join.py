#!/usr/bin/env python3
"""Python reference for the `process` benchmark group: median start+join of a no-op Process.

Usage: process_start_join.py --method spawn|forkserver|fork [--runs N] [--warmup W] [--pause-ms P]
Prints one JSON object: {"method": ..., "runs": N, "median_ms": X, "samples_ms": [...]}.

Run side by side with `./multiproc bench process`, which calls this script with the same runs,
warm-up and pause as its own measurement.
"""
import argparse
import json
import multiprocessing as mp
import statistics
import time


def noop():
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--method", required=True, choices=["spawn", "forkserver", "fork"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pause-ms", type=float, default=0.0)
    args = parser.parse_args()

    ctx = mp.get_context(args.method)
    samples = []
    for i in range(args.warmup + args.runs):
        if args.pause_ms:
            time.sleep(args.pause_ms / 1000.0)
        t0 = time.perf_counter()
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        elapsed = (time.perf_counter() - t0) * 1000.0
        if p.exitcode != 0:
            raise SystemExit(f"child exited with {p.exitcode}")
        if i >= args.warmup:
            samples.append(elapsed)
    print(json.dumps({
        "method": args.method,
        "runs": args.runs,
        "median_ms": statistics.median(samples),
        "samples_ms": [round(s, 3) for s in samples],
    }))


if __name__ == "__main__":
    main()
