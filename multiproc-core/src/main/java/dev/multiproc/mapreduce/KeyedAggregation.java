package dev.multiproc.mapreduce;

import dev.multiproc.function.SerializableBinaryOperator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * General reduce-by-key: each map task merges its pairs into one {@link HashMap} per partition with
 * the reducer (the combiner), reduce tasks merge a partition's maps, and the parent merges the
 * partitions. The parent merges with the reducer too, so a key whose {@code hashCode} differs
 * between JVMs (an enum inside a key, say) still ends up with one correct value.
 */
record KeyedAggregation<T, K, V>(Mapper<T, K, V> mapper, SerializableBinaryOperator<V> reducer)
    implements Aggregation<T, HashMap<K, V>, HashMap<K, V>> {
  @Override
  public List<HashMap<K, V>> map(Split<T> split, int partitions, RecordGuard<T> guard) throws Exception {
    List<HashMap<K, V>> parts = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      parts.add(new HashMap<>());
    }
    Mapper<T, K, V> m = mapper;
    SerializableBinaryOperator<V> r = reducer;
    split.read(record -> {
      guard.counted();
      try {
        m.map(record, (key, value) -> parts.get(Math.floorMod(key == null ? 0 : key.hashCode(), partitions)).merge(key, value, r));
      } catch (MalformedRecordException e) {
        guard.malformed(record, e);
      }
    });
    return parts;
  }

  @Override
  public HashMap<K, V> reduce(List<HashMap<K, V>> pieces) {
    HashMap<K, V> merged = new HashMap<>();
    for (HashMap<K, V> piece : pieces) {
      piece.forEach((key, value) -> merged.merge(key, value, reducer));
    }
    return merged;
  }

  @Override
  public HashMap<K, V> finish(List<HashMap<K, V>> partitions) {
    return reduce(partitions);
  }
}
