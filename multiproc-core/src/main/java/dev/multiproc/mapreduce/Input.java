package dev.multiproc.mapreduce;

import java.io.IOException;
import java.util.Iterator;

/**
 * The input of a MapReduce {@link Job}: something that splits itself into {@link Split}s for
 * worker processes to read. Splits are produced lazily, so an input larger than memory (an endless
 * iterator, millions of files) is never materialized in the parent.
 *
 * <p>Built-in inputs: {@link TextInput} (text files and globs, plain or gzip, split into
 * line-aligned byte ranges that workers read themselves) and {@link #of(Iterable, int)} (items of
 * a collection or iterator, shipped to workers in chunks).
 *
 * <pre>{@code
 * Input<Line> text = TextInput.files(Path.of("googlebooks-eng-all-1gram-20120701-a"));
 * Input<String> names = Input.of(List.of("ann", "bob", "cy"), 2);
 * }</pre>
 *
 * @param <T> the record type
 */
public interface Input<T> {
  /**
   * Returns the splits, lazily. Called once per job run, in the parent.
   *
   * @param parallelism how many workers will read splits; inputs that choose their own split size
   *     aim for several splits per worker
   * @return the splits
   * @throws IOException if the input cannot be listed or opened (a missing file, say)
   */
  Iterator<? extends Split<T>> splits(int parallelism) throws IOException;

  /**
   * Returns the total weight of all splits, for progress, or -1 when unknown.
   *
   * @return the total weight
   * @throws IOException if the input cannot be inspected
   */
  long weight() throws IOException;

  /**
   * Returns an input over items, shipped to workers in chunks of {@code chunkSize}. The items are
   * read lazily from {@code items} as chunks are needed, and must be serializable.
   *
   * @param items the items
   * @param chunkSize items per split, at least 1
   * @param <T> the item type
   * @return the input
   */
  static <T> Input<T> of(Iterable<? extends T> items, int chunkSize) {
    return new ItemInput<>(items, chunkSize);
  }
}
