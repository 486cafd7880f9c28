package dev.multiproc.mapreduce;

/**
 * A job's answer with the figures of its run.
 *
 * @param value the answer
 * @param stats the figures
 * @param <R> the answer type
 */
public record JobResult<R>(R value, JobStats stats) {}
