#!/usr/bin/env python3
"""The textbook Python MapReduce word count over Google-Books 1-gram files, the reference that
`multiproc bench wordcount` runs side by side with Multiproc.

As the tutorials write it: read every line into the parent, partition the lines into chunks of
60,000, map each chunk in a ProcessPoolExecutor through loop.run_in_executor + asyncio.gather, and
functools.reduce the per-chunk dictionaries into one.

Prints one JSON object: seconds, bytes, distinct, total, top (10 words), peak_rss_mb (the parent's
peak resident set, where the whole file lives as a list of lines).
"""
import argparse
import asyncio
import functools
import json
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor


def map_chunk(lines):
    counts = {}
    for line in lines:
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != 4:
            continue
        word = fields[0]
        counts[word] = counts.get(word, 0) + int(fields[2])
    return counts


def merge(left, right):
    for word, count in right.items():
        left[word] = left.get(word, 0) + count
    return left


async def word_count(paths, workers, chunk_lines):
    lines = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines.extend(f.readlines())
    chunks = [lines[i:i + chunk_lines] for i in range(0, len(lines), chunk_lines)]
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        partials = await asyncio.gather(*(loop.run_in_executor(pool, map_chunk, c) for c in chunks))
    return functools.reduce(merge, partials, {})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-lines", type=int, default=60_000)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = asyncio.run(word_count(args.files, args.workers, args.chunk_lines))
    seconds = time.perf_counter() - started
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: args.top]
    print(json.dumps({
        "seconds": seconds,
        "bytes": sum(os.path.getsize(p) for p in args.files),
        "distinct": len(counts),
        "total": sum(counts.values()),
        "top": [{"word": w, "count": c} for w, c in top],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
