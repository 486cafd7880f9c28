package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableCallable;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool task that maps one split in a worker: reads it, pre-aggregates, and returns the
 * hash-partitioned partial answer with record counts, in its wire form ({@link Output#toWire}).
 */
record MapTask<T, P>(Aggregation<T, P, ?> aggregation, Split<T> split, int partitions, boolean skipMalformed)
    implements SerializableCallable<List<Object>> {
  /**
   * The task to send for this map: a column sum over a text split as a lambda of its ten plain
   * fields, anything else as the record itself.
   *
   * <p>Why: a record travels through Java serialization, which rebuilds it with its canonical
   * constructor through a tree of method handles, generated afresh in every new JVM. In a word
   * count's workers the first map task spent ~70-90 ms of a 2-core machine being decoded (about 45
   * generated classes per worker, with -Xlog:class+load) while the split waited. A lambda whose
   * captured values are strings and numbers is rebuilt by the pool's own encoding without them.
   *
   * @return the task
   */
  static <T, P> SerializableCallable<List<Object>> of(Aggregation<T, P, ?> aggregation, Split<T> split, int partitions, boolean skipMalformed) {
    if (aggregation instanceof CountingAggregation<?> counting && counting.mapper() instanceof ColumnSum sum && split instanceof TextSplit text) {
      String path = text.path();
      long start = text.start();
      long end = text.end();
      boolean gzip = text.gzip();
      int separator = sum.separator();
      int columns = sum.columns();
      int keyColumn = sum.keyColumn();
      int valueColumn = sum.valueColumn();
      return () -> new MapTask<>(
              new CountingAggregation<>(ColumnSum.of((char) separator, columns, keyColumn, valueColumn)),
              new TextSplit(path, start, end, gzip), partitions, skipMalformed)
          .call();
    }
    return new MapTask<>(aggregation, split, partitions, skipMalformed);
  }

  @Override
  public List<Object> call() throws Exception {
    RecordGuard<T> guard = new RecordGuard<>(split, skipMalformed);
    List<P> parts = aggregation.map(split, partitions, guard);
    return new Output<>(parts, guard.records(), guard.malformed(), List.copyOf(guard.samples())).toWire();
  }

  /**
   * What a map task sends back.
   *
   * @param partitions one pre-aggregated piece per partition
   * @param records records read
   * @param malformed malformed records skipped
   * @param samples locations of the first skipped records
   */
  record Output<P>(List<P> partitions, long records, long malformed, List<String> samples) {
    /**
     * The output as one flat {@code ArrayList}: records, malformed, the sample count, the samples,
     * then the partitions. A pool carries such a list of numbers, strings and byte arrays (a
     * count's partitions, ~0.7 MB per split of the 335 MB word count) raw; as a record it went
     * through an object stream, encoded by the worker and decoded by the parent, on the cores the
     * mapping needs.
     *
     * @return the wire form
     */
    ArrayList<Object> toWire() {
      ArrayList<Object> wire = new ArrayList<>(3 + samples.size() + partitions.size());
      wire.add(records);
      wire.add(malformed);
      wire.add(samples.size());
      wire.addAll(samples);
      wire.addAll(partitions);
      return wire;
    }

    /**
     * The output from its wire form.
     *
     * @param wire a list from {@link #toWire}
     * @param <P> the piece type
     * @return the output
     */
    @SuppressWarnings("unchecked")
    static <P> Output<P> fromWire(List<?> wire) {
      int samples = (Integer) wire.get(2);
      List<String> sampleList = new ArrayList<>(samples);
      for (int i = 0; i < samples; i++) {
        sampleList.add((String) wire.get(3 + i));
      }
      return new Output<>((List<P>) new ArrayList<>(wire.subList(3 + samples, wire.size())), (Long) wire.get(0), (Long) wire.get(1), sampleList);
    }
  }
}
