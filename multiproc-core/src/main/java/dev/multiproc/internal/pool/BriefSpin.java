package dev.multiproc.internal.pool;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A short, adaptive spin before a caller blocks on a task's future: while recent waits were short
 * (a tiny task's round trip is ~25 µs here), the caller polls the future for a little longer than
 * they took before it parks.
 *
 * <p>Why: a parked caller is woken by the reader thread, and on a virtual machine whose CPUs have
 * gone idle between round trips, each wake-up of an idle CPU costs tens of µs (the hypervisor must
 * resume it). Measured on this 2-core VM, a blocking {@code apply} took ~25 µs while the JIT's
 * compiler threads happened to keep the CPUs busy and ~55 µs after, until the caller spun: then
 * ~22 µs throughout.
 *
 * <p>Bounds: never more than {@link #MAX_SPIN_NANOS} per wait, no spin at all once waits run
 * longer than {@link #NO_SPIN_ABOVE_NANOS} (the next blocking wait measures again), only while the
 * task waited for is the pool's only one outstanding (with more, results keep arriving anyway, and
 * a spinner would take the CPU the pool's own threads need: a caller joining 50,000 {@code
 * applyAsync} futures spent most of its samples spinning), only one spinning thread per pool at a
 * time, never on a virtual thread (it would hold its carrier) and never on a single CPU (the
 * spinner would hold the CPU the answer needs). Thread-safe.
 */
public final class BriefSpin {
  private static final long MAX_SPIN_NANOS = 100_000;
  private static final long NO_SPIN_ABOVE_NANOS = 250_000;
  private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

  private final AtomicInteger spinners = new AtomicInteger();
  private final java.util.function.LongSupplier outstanding;
  /** Moving average of recent waits (ns); racy updates are fine, it is only a hint. */
  private volatile long recentWaitNanos = 50_000;

  /**
   * Creates a spin policy for one pool.
   *
   * @param outstanding how many of the pool's tasks are unanswered (the one waited for included)
   */
  public BriefSpin(java.util.function.LongSupplier outstanding) {
    this.outstanding = outstanding;
  }

  /**
   * Polls {@code future} briefly, unless recent waits say it would be wasted.
   *
   * @param future the future a caller is about to block on
   * @return true if it completed while spinning
   */
  public boolean spinUntilDone(Future<?> future) {
    long recent = recentWaitNanos;
    if (!MULTI_CPU || recent > NO_SPIN_ABOVE_NANOS || Thread.currentThread().isVirtual() || outstanding.getAsLong() > 1) {
      return future.isDone();
    }
    if (spinners.get() > 0 || !spinners.compareAndSet(0, 1)) {
      return future.isDone();
    }
    try {
      long deadline = System.nanoTime() + Math.min(MAX_SPIN_NANOS, 2 * recent + 10_000);
      while (!future.isDone()) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        Thread.onSpinWait();
      }
      return true;
    } finally {
      spinners.set(0);
    }
  }

  /**
   * Records how long a wait took in all, spinning and blocking.
   *
   * @param nanos the wait
   */
  public void record(long nanos) {
    recentWaitNanos = (recentWaitNanos * 7 + Math.min(nanos, 10 * NO_SPIN_ABOVE_NANOS)) / 8;
  }
}
