package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.shared.ProcessReentrantLock;
import dev.multiproc.shared.SharedInt;
import dev.multiproc.shared.SharedLongArray;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Python's "Shared Data and Lock" race, measured: P child processes each increment one shared
 * {@link SharedInt} N times, in one of three ways. Used by {@code multiproc race} and {@code
 * multiproc bench shared}.
 *
 * <p>Each child first runs N increments in 10 calls on a separate counter (unmeasured: the JIT
 * compiles the method), then waits at a spinning start gate so all start together, and times its own measured
 * loop ({@code System.nanoTime} is only comparable within a process). The rate is P x N over the
 * slowest child's time, as in {@code bench/python/shared_counter.py}.
 *
 * <p>N must be large: a million increments take a JVM a few milliseconds, less than a scheduler
 * time slice, so the processes would mostly run one after the other and neither contend nor race
 * (measured: "2 x 1M" then shows ~2 ns per contended atomic add, i.e. no overlap; 2 x 20M shows
 * ~14 ns and the lost updates).
 */
final class CounterRace {
  /** Increments per process unless told otherwise: long enough for the processes to overlap. */
  static final String DEFAULT_N = "20000000";

  /** How each increment is made. */
  enum Mode {
    /** {@code c.set(c.get() + 1)}: two atomic steps, not one; updates get lost. */
    UNLOCKED,
    /** The same under {@code c.getLock()}: exact. */
    LOCKED,
    /** {@code c.incrementAndGet()}: one atomic instruction; exact. */
    ATOMIC
  }

  /** One run's outcome. */
  record Result(long finalCount, long expected, double perSecond) {}

  private static final int WARM_UP_ROUNDS = 10;
  private static final long WARM_UP_PAUSE_MILLIS = 200;

  private CounterRace() {}

  /** Runs every mode in turn; {@return the results by mode, in declaration order} */
  static Map<Mode, Result> runAll(int processes, int n) throws Exception {
    if (processes < 1 || n < 1) {
      throw new IllegalArgumentException("--processes and --n must be >= 1");
    }
    Map<Mode, Result> results = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      results.put(mode, run(mode, processes, n));
    }
    return results;
  }

  static Result run(Mode mode, int processes, int n) throws Exception {
    try (SharedInt counter = SharedInt.create(0);
        SharedInt warmUp = SharedInt.create(0);
        SharedInt ready = SharedInt.create(0);
        SharedLongArray elapsedNanos = SharedLongArray.create(processes)) {
      List<ChildProcess<Void>> children = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        int index = i;
        ChildProcess<Void> child = ChildProcess.of(() -> work(mode, counter, warmUp, ready, processes, elapsedNanos, index, n));
        child.start();
        children.add(child);
      }
      for (ChildProcess<Void> child : children) {
        child.result(); // rethrows a child's failure
      }
      long slowest = 0;
      for (long e : elapsedNanos.toArray()) {
        slowest = Math.max(slowest, e);
      }
      long expected = (long) processes * n;
      return new Result(counter.get(), expected, expected / (slowest / 1e9));
    }
  }

  private static Void work(
      Mode mode, SharedInt counter, SharedInt warmUp, SharedInt ready, int processes, SharedLongArray elapsedNanos, int index, int n)
      throws InterruptedException {
    // Several calls, then a pause: the JIT compiles the whole method (not just an OSR loop) and its
    // compiler threads are idle again before the measured call starts.
    for (int round = 0; round < WARM_UP_ROUNDS; round++) {
      increment(mode, warmUp, Math.max(1, n / WARM_UP_ROUNDS));
    }
    Thread.sleep(WARM_UP_PAUSE_MILLIS);
    // A spinning start gate, not a sleeping barrier: a process woken from a futex may be scheduled
    // milliseconds late and then run alone, which would hide both the contention and the race.
    ready.incrementAndGet();
    while (ready.get() < processes) {
      Thread.onSpinWait();
    }
    long t0 = System.nanoTime();
    increment(mode, counter, n);
    elapsedNanos.set(index, System.nanoTime() - t0);
    return null;
  }

  private static void increment(Mode mode, SharedInt counter, int n) {
    switch (mode) {
      case UNLOCKED -> {
        for (int i = 0; i < n; i++) {
          counter.set(counter.get() + 1);
        }
      }
      case LOCKED -> {
        ProcessReentrantLock lock = counter.getLock();
        for (int i = 0; i < n; i++) {
          lock.lock();
          try {
            counter.set(counter.get() + 1);
          } finally {
            lock.unlock();
          }
        }
      }
      case ATOMIC -> {
        for (int i = 0; i < n; i++) {
          counter.incrementAndGet();
        }
      }
    }
  }
}
