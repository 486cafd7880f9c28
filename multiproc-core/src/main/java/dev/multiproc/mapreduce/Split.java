package dev.multiproc.mapreduce;

import java.io.Serializable;

/**
 * One piece of a job's {@link Input}: a small, serializable description (a file range, a chunk of
 * items) that a worker process turns into records. The parent never reads the records of a split
 * that a worker can read itself.
 *
 * <p>A split must be deterministic and side-effect free to read: a split whose worker died is read
 * again, by another worker, and must yield the same records.
 *
 * <pre>{@code
 * record RangeSplit(long from, long to) implements Split<Long> {
 *   public void read(RecordVisitor<? super Long> visitor) throws Exception {
 *     for (long i = from; i < to; i++) visitor.visit(i);
 *   }
 *   public long weight() { return to - from; }
 * }
 * }</pre>
 *
 * @param <T> the record type
 */
public interface Split<T> extends Serializable {
  /**
   * Reads the split's records, in order, in the worker process.
   *
   * @param visitor receives each record
   * @throws Exception if reading fails, or as thrown by the visitor
   */
  void read(RecordVisitor<? super T> visitor) throws Exception;

  /** {@return the split's size in the input's unit (bytes for files, items for collections), for progress} */
  long weight();

  /**
   * Says where a record of this split is, for error messages. Called only on failure paths, in the
   * worker, while the record is still valid.
   *
   * @param record a record this split produced
   * @return a location such as {@code file.tsv:1234}
   */
  default String locate(T record) {
    return toString();
  }

  /**
   * Receives the records of a split.
   *
   * @param <T> the record type
   */
  @FunctionalInterface
  interface RecordVisitor<T> {
    /**
     * Takes one record.
     *
     * @param record the record; a flyweight (such as {@link Line}) is valid only during this call
     * @throws Exception to stop reading
     */
    void visit(T record) throws Exception;
  }
}
