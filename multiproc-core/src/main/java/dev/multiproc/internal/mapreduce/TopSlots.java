package dev.multiproc.internal.mapreduce;

/**
 * The slots of a table's best keys, best first, in a counting job's order: count descending, then
 * key ascending ({@code String.compareTo}), so the answer is deterministic. What a reduced
 * partition lists in its summary.
 *
 * <p>One pass over the slots with a bounded min-heap of {@code int} slots, the worst kept key at
 * its root; a key's string is built only when its count ties with another's. No boxing and no
 * comparator object: this runs in every worker's first reduce, where a {@code PriorityQueue} with
 * lambda comparators (and the comparator constants of {@code CountTable}, initialized with it)
 * took ~10-15 ms of generated classes and cold code before the first summary, against ~3 ms warm.
 */
public final class TopSlots {
  private TopSlots() {}

  /**
   * Returns the slots of the {@code n} best keys.
   *
   * @param table the counts
   * @param n how many, at least 0
   * @return at most {@code n} used slots, best first
   */
  public static int[] of(ByteKeyLongTable table, int n) {
    int[] heap = new int[Math.max(0, n)];
    int size = 0;
    for (int slot = 0, capacity = table.capacity(); slot < capacity && n > 0; slot++) {
      if (!table.isUsed(slot)) {
        continue;
      }
      if (size < n) {
        heap[size] = slot;
        siftUp(table, heap, size++);
      } else if (table.valueAt(slot) >= table.valueAt(heap[0]) && worse(table, heap[0], slot)) {
        heap[0] = slot;
        siftDown(table, heap, size);
      }
    }
    int[] best = new int[size];
    for (int i = size - 1; i >= 0; i--) {
      best[i] = heap[0];
      heap[0] = heap[--size];
      siftDown(table, heap, size);
    }
    return best;
  }

  /** Whether the key in slot {@code a} ranks below the one in slot {@code b}. */
  private static boolean worse(ByteKeyLongTable table, int a, int b) {
    long countA = table.valueAt(a);
    long countB = table.valueAt(b);
    if (countA != countB) {
      return countA < countB;
    }
    return table.keyAt(a).compareTo(table.keyAt(b)) > 0;
  }

  private static void siftUp(ByteKeyLongTable table, int[] heap, int at) {
    int slot = heap[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!worse(table, slot, heap[parent])) {
        break;
      }
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = slot;
  }

  private static void siftDown(ByteKeyLongTable table, int[] heap, int size) {
    if (size == 0) {
      return;
    }
    int slot = heap[0];
    int at = 0;
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && worse(table, heap[child + 1], heap[child])) {
        child++;
      }
      if (!worse(table, heap[child], slot)) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = slot;
  }
}
