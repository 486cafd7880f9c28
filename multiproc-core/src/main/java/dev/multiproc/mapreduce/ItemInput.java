package dev.multiproc.mapreduce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/** {@link Input#of}: items of an iterable, chunked lazily into {@link ItemSplit}s. */
final class ItemInput<T> implements Input<T> {
  private final Iterable<? extends T> items;
  private final int chunkSize;

  ItemInput(Iterable<? extends T> items, int chunkSize) {
    this.items = Objects.requireNonNull(items, "items");
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public Iterator<Split<T>> splits(int parallelism) {
    Iterator<? extends T> source = items.iterator();
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public Split<T> next() {
        if (!source.hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> chunk = new ArrayList<>(chunkSize);
        while (chunk.size() < chunkSize && source.hasNext()) {
          chunk.add(source.next());
        }
        ItemSplit<T> split = new ItemSplit<>(chunk, next);
        next += chunk.size();
        return split;
      }
    };
  }

  @Override
  public long weight() {
    return items instanceof Collection<?> collection ? collection.size() : -1;
  }

  /** A chunk of items; {@code firstIndex} is the input position of its first item, for error messages. */
  record ItemSplit<T>(List<T> items, long firstIndex) implements Split<T> {
    @Override
    public void read(RecordVisitor<? super T> visitor) throws Exception {
      for (T item : items) {
        visitor.visit(item);
      }
    }

    @Override
    public long weight() {
      return items.size();
    }

    @Override
    public String locate(T record) {
      int at = items.indexOf(record);
      return at < 0 ? toString() : "item " + (firstIndex + at);
    }

    @Override
    public String toString() {
      return "items " + firstIndex + ".." + (firstIndex + items.size() - 1);
    }
  }
}
