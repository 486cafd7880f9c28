#!/usr/bin/env python3
"""Python reference for the `queue` benchmark group: multiprocessing.Queue throughput and
multiprocessing.Pipe round-trip latency.

Usage: queue_pipe.py [--items N] [--warmup-rounds W] [--round-trips R] [--method spawn|fork|forkserver]
Prints one JSON object:
  {"items": N, "round_trips": R, "queue_throughput": MSGS_PER_S, "pipe_latency_p50": MICROS}

queue_throughput: one producer process puts W x N small ints (unmeasured, so both sides warm up),
waits for an Event, then puts N more; the parent drains the first N, starts the clock, sets the
Event and gets the N measured items. pipe_latency_p50: the median of R round trips of a small int
to a child that echoes it back over a duplex Pipe, after R unmeasured ones. Run side by side with
`./multiproc bench queue`, which does the same with ProcessQueue and Pipe.
"""
import sys
import argparse
import json
import multiprocessing as mp
import statistics
import time


def producer(q, go, n, warmup_rounds):
    for _ in range(warmup_rounds):
        for i in range(n):
            q.put(i)
    go.wait()
    for i in range(n):
        q.put(i)


def queue_throughput(ctx, n, warmup_rounds):
    q = ctx.Queue()
    go = ctx.Event()
    p = ctx.Process(target=producer, args=(q, go, n, warmup_rounds))
    p.start()
    check = 0
    for _ in range(n * warmup_rounds):
        check += q.get()
    check -= warmup_rounds * (n * (n - 1) // 2)
    t0 = time.perf_counter()
    go.set()
    for _ in range(n):
        check += q.get()
    elapsed = time.perf_counter() - t0
    p.join()
    if check != n * (n - 1) // 2:
        raise SystemExit(f"queue delivered wrong items: checksum {check}")
    return n / elapsed


def echo(conn):
    try:
        while True:
            conn.send(conn.recv())
    except EOFError:
        pass


def pipe_latency_micros(ctx, round_trips):
    mine, theirs = ctx.Pipe(True)
    p = ctx.Process(target=echo, args=(theirs,))
    p.start()
    theirs.close()
    for i in range(round_trips):
        mine.send(i)
        mine.recv()
    samples = []
    for i in range(round_trips):
        t0 = time.perf_counter_ns()
        mine.send(i)
        back = mine.recv()
        samples.append((time.perf_counter_ns() - t0) / 1000)
        if back != i:
            raise SystemExit(f"pipe echoed {back} for {i}")
    mine.close()
    p.join()
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--warmup-rounds", type=int, default=5)
    parser.add_argument("--round-trips", type=int, default=10_000)
    parser.add_argument("--method", default="spawn", choices=["spawn", "fork", "forkserver"])
    args = parser.parse_args()
    ctx = mp.get_context(args.method)
    throughput = queue_throughput(ctx, args.items, args.warmup_rounds)
    latency = pipe_latency_micros(ctx, args.round_trips)
    print(json.dumps({
        "items": args.items,
        "round_trips": args.round_trips,
        "queue_throughput": throughput,
        "pipe_latency_p50": latency,
    }))


if __name__ == "__main__":
    main()
