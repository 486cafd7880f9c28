package dev.multiproc.mapreduce;

import java.io.Serializable;
import java.util.function.BiConsumer;

/**
 * The mapper of a general job ({@link Job#reduceByKey}): reads one record and emits any number of
 * key-value pairs. Runs in worker processes, so it must be serializable.
 *
 * <pre>{@code
 * Mapper<Line, Integer, Long> perYear = (line, emit) -> {
 *   Fields f = line.split('\t');
 *   emit.accept((int) f.parseLong(1), f.parseLong(2));
 * };
 * }</pre>
 *
 * @param <T> the record type
 * @param <K> the key type (serializable, with {@code equals} and a {@code hashCode} stable across JVMs)
 * @param <V> the value type (serializable)
 */
@FunctionalInterface
public interface Mapper<T, K, V> extends Serializable {
  /**
   * Maps one record.
   *
   * @param record the record (a flyweight such as {@link Line} is valid only during this call)
   * @param emit takes each key-value pair
   * @throws MalformedRecordException for a record that cannot be read (skippable)
   * @throws Exception any other failure fails the job
   */
  void map(T record, BiConsumer<K, V> emit) throws Exception;
}
