package dev.multiproc.mapreduce;

import java.io.Serializable;

/**
 * The mapper of a counting job ({@link Job#count}): reads one record and adds {@code long} amounts
 * to keys. Runs in worker processes, so it must be serializable (a lambda that captures only
 * serializable values is).
 *
 * <pre>{@code
 * CountingMapper<Line> matchesPerWord = (line, counts) -> {
 *   Fields f = line.split('\t');
 *   counts.add(f, 0, f.parseLong(2));
 * };
 * }</pre>
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface CountingMapper<T> extends Serializable {
  /**
   * Maps one record.
   *
   * @param record the record (a flyweight such as {@link Line} is valid only during this call)
   * @param counts where to add counts
   * @throws MalformedRecordException for a record that cannot be read (skippable)
   * @throws Exception any other failure fails the job
   */
  void map(T record, KeyCounter counts) throws Exception;
}
