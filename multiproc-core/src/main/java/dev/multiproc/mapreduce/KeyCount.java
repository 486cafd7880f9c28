package dev.multiproc.mapreduce;

/**
 * A key and its count, as {@link CountTable#top} returns them.
 *
 * @param key the key
 * @param count its count
 */
public record KeyCount(String key, long count) {}
