/**
 * MapReduce on process pools: split a large input into chunks, map each chunk in a worker process,
 * pre-aggregate there, reduce the partial answers by hash partition in the workers, and assemble
 * one answer — Python's {@code pool.map} plus {@code functools.reduce}, without shipping the data
 * through the parent.
 *
 * <ul>
 *   <li>{@link dev.multiproc.mapreduce.Job}: the job, {@link dev.multiproc.mapreduce.Job#count
 *       count} (sums {@code long}s per key, no boxing) or {@link
 *       dev.multiproc.mapreduce.Job#reduceByKey reduceByKey} (any keys and values);
 *   <li>{@link dev.multiproc.mapreduce.Input}: {@link dev.multiproc.mapreduce.TextInput} (files and
 *       globs, plain or gzip, read by the workers) or items of a collection;
 *   <li>{@link dev.multiproc.mapreduce.Line} and {@link dev.multiproc.mapreduce.Fields}:
 *       allocation-free views of text records;
 *   <li>{@link dev.multiproc.mapreduce.CountTable}: the answer of a counting job.
 * </ul>
 *
 * <p>Python's textbook version reads every line into the parent, pickles 60,000-line chunks to the
 * workers and merges dictionaries in one thread; here the parent sends only file ranges, and
 * merging is split into partitions merged in parallel.
 */
package dev.multiproc.mapreduce;
