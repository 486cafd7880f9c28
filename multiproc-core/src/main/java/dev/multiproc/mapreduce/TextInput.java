package dev.multiproc.mapreduce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Text files as a job {@link Input} of {@link Line}s: each file is cut into byte ranges aligned to
 * line boundaries, and each worker reads its own ranges with positioned reads — the parent never
 * reads the data or ships lines between processes. Gzip files (recognized by their magic bytes)
 * are one split each, decompressed by the worker.
 *
 * <p>Every worker must see the files at the same path (true for a local pool; for a cluster, a
 * shared file system). Lines are UTF-8 bytes ending at {@code \n} or {@code \r\n}; the last line
 * needs no terminator. Files are checked when the job starts: a missing or unreadable file fails
 * it before any work is done.
 *
 * <pre>{@code
 * TextInput input = TextInput.files(Path.of("1gram-a.tsv"), Path.of("1gram-b.tsv.gz"))
 *     .splitSize(32 << 20);
 * TextInput all = TextInput.glob("data/googlebooks-*.gz");
 * }</pre>
 */
public final class TextInput implements Input<Line> {
  private static final long MIN_AUTO_SPLIT = 4L << 20;
  private static final long MAX_AUTO_SPLIT = 64L << 20;
  private static final int SPLITS_PER_WORKER = 8;

  private final List<Path> files;
  private final long splitSize;

  private TextInput(List<Path> files, long splitSize) {
    this.files = files;
    this.splitSize = splitSize;
  }

  /**
   * Returns an input over the given files.
   *
   * @param files the files, at least one
   * @return the input
   */
  public static TextInput files(Path... files) {
    return files(List.of(files));
  }

  /**
   * Returns an input over the given files.
   *
   * @param files the files, at least one
   * @return the input
   */
  public static TextInput files(Collection<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no input files given");
    }
    return new TextInput(files.stream().map(p -> p.toAbsolutePath().normalize()).toList(), 0);
  }

  /**
   * Returns an input over the regular files matching a glob pattern, in path order, e.g. {@code
   * data/*.gz} or {@code data/**.tsv} (see {@link java.nio.file.FileSystem#getPathMatcher}).
   *
   * @param pattern the pattern, relative to the working directory or absolute
   * @return the input
   * @throws IOException if nothing matches ({@link NoSuchFileException}) or listing fails
   */
  public static TextInput glob(String pattern) throws IOException {
    return files(expand(pattern));
  }

  /**
   * Expands a glob pattern to the regular files it matches, in path order.
   *
   * @param pattern the pattern
   * @return the files
   * @throws IOException if nothing matches ({@link NoSuchFileException}) or listing fails
   */
  public static List<Path> expand(String pattern) throws IOException {
    Path base = Path.of(baseOf(pattern));
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    List<Path> matches = new ArrayList<>();
    if (Files.isDirectory(base)) {
      try (Stream<Path> walk = Files.walk(base)) {
        walk.filter(p -> Files.isRegularFile(p) && matcher.matches(p)).sorted().forEach(matches::add);
      }
    }
    if (matches.isEmpty()) {
      throw new NoSuchFileException(pattern, null, "no file matches this pattern");
    }
    return matches;
  }

  private static String baseOf(String pattern) {
    int meta = pattern.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int at = pattern.indexOf(c);
      if (at >= 0) {
        meta = Math.min(meta, at);
      }
    }
    int slash = pattern.lastIndexOf('/', meta);
    return slash < 0 ? "." : slash == 0 ? "/" : pattern.substring(0, slash);
  }

  /**
   * Returns a copy that cuts plain files into ranges of about this many bytes. By default the size
   * is chosen from the total input and the worker count (about eight splits per worker, between 4
   * and 64 MiB).
   *
   * @param bytes at least 1
   * @return the new input
   */
  public TextInput splitSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("splitSize must be >= 1, got " + bytes);
    }
    return new TextInput(files, bytes);
  }

  /** {@return the files, absolute} */
  public List<Path> paths() {
    return files;
  }

  @Override
  public long weight() throws IOException {
    long total = 0;
    for (Path file : files) {
      total += checkReadable(file);
    }
    return total;
  }

  @Override
  public Iterator<Split<Line>> splits(int parallelism) throws IOException {
    long[] lengths = new long[files.size()]; // one check and size per file, used for both the total and the ranges
    long total = 0;
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = checkReadable(files.get(i));
      total += lengths[i];
    }
    long size = splitSize > 0
        ? splitSize
        // Rounded up: rounded down, a 335 MB file gave its 16 splits plus a 17th of one byte.
        : Math.clamp(Math.ceilDiv(total, Math.max(1, (long) parallelism * SPLITS_PER_WORKER)), MIN_AUTO_SPLIT, MAX_AUTO_SPLIT);
    List<Split<Line>> splits = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      Path file = files.get(i);
      long length = lengths[i];
      if (isGzip(file)) {
        splits.add(new TextSplit(file.toString(), 0, length, true));
        continue;
      }
      for (long start = 0; start < length; start += size) {
        splits.add(new TextSplit(file.toString(), start, Math.min(length, start + size), false));
      }
    }
    return splits.iterator();
  }

  private static long checkReadable(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "input file not found");
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new AccessDeniedException(file.toString(), null, "input file not readable");
    }
    return Files.size(file);
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  @Override
  public String toString() {
    return "TextInput" + files;
  }
}
