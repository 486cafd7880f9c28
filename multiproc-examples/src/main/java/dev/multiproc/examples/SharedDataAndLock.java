package dev.multiproc.examples;

import dev.multiproc.ChildProcess;
import dev.multiproc.shared.ProcessReentrantLock;
import dev.multiproc.shared.SharedDouble;
import dev.multiproc.shared.SharedInt;
import dev.multiproc.shared.SharedIntArray;
import java.util.Arrays;
import java.util.List;

/**
 * Python's "Sharing state between processes" and "Shared Data and Lock":
 * <pre>
 * def f(n, a):
 *     n.value = 3.1415927
 *     for i in range(len(a)): a[i] = -a[i]
 * num = Value('d', 0.0); arr = Array('i', range(10))
 * p = Process(target=f, args=(num, arr)); p.start(); p.join()
 * print(num.value, arr[:])
 *
 * def add(number, n, locked):
 *     for _ in range(n):
 *         if locked:
 *             with number.get_lock(): number.value += 1
 *         else:
 *             number.value += 1          # read, add, write: other processes' updates get lost
 * </pre>
 */
public final class SharedDataAndLock {
  private SharedDataAndLock() {}

  static Void negate(SharedDouble n, SharedIntArray a) {
    n.set(3.1415927);
    for (int i = 0; i < a.length(); i++) {
      a.set(i, -a.get(i));
    }
    return null;
  }

  static Void add(SharedInt number, int n, boolean locked) {
    ProcessReentrantLock lock = number.getLock();
    for (int i = 0; i < n; i++) {
      if (locked) {
        lock.lock();
        try {
          number.set(number.get() + 1);
        } finally {
          lock.unlock();
        }
      } else {
        number.set(number.get() + 1);
      }
    }
    return null;
  }

  static int race(int processes, int n, boolean locked) throws Exception {
    try (SharedInt number = SharedInt.create(0)) {
      List<ChildProcess<Void>> children =
          java.util.stream.IntStream.range(0, processes).mapToObj(i -> ChildProcess.of(() -> add(number, n, locked))).toList();
      children.forEach(ChildProcess::start);
      for (ChildProcess<Void> p : children) {
        p.join();
      }
      return number.get();
    }
  }

  /**
   * Runs the example.
   *
   * @param args unused
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (SharedDouble num = SharedDouble.create(0.0);
        SharedIntArray arr = SharedIntArray.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)) {
      ChildProcess<Void> p = ChildProcess.of(SharedDataAndLock::negate, num, arr);
      p.start();
      p.join();
      System.out.println(num.get() + " " + Arrays.toString(arr.toArray()));
    }

    int processes = 2;
    int n = 5_000_000;
    System.out.printf("without the lock: %,d of %,d (lost updates, if the processes overlapped)%n", race(processes, n, false), processes * n);
    System.out.printf("with the lock: %,d of %,d%n", race(processes, n, true), processes * n);
  }
}
