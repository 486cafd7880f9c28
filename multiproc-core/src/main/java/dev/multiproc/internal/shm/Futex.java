package dev.multiproc.internal.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux futex wait and wake on a 32-bit word of a shared mapping, through {@code
 * java.lang.foreign}.
 *
 * <p>glibc has no futex wrapper, so this calls {@code syscall(SYS_futex, ...)} with
 * the variadic calling convention. The operations are the <em>shared</em> ones ({@code
 * FUTEX_WAIT}, {@code FUTEX_WAKE}, without {@code FUTEX_PRIVATE_FLAG}): processes map the same
 * page at different virtual addresses, and only a shared futex is keyed by the page itself.
 * {@code Linker.Option.critical} is deliberately not used: a wait blocks, and a critical call
 * would stall the garbage collector for as long.
 *
 * <p>When the syscall cannot be bound (not Linux x86-64, or native access denied) {@link
 * #available()} is false and callers poll instead; nothing is lost but latency.
 */
public final class Futex {
  /** {@code SYS_futex}: 202 on x86-64, 98 on AArch64; 0 where we do not know it (waiters poll). */
  private static final long SYS_FUTEX =
      switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 202;
        case "aarch64" -> 98;
        default -> 0;
      };
  private static final int FUTEX_WAIT = 0;
  private static final int FUTEX_WAKE = 1;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private static final MethodHandle SYSCALL = bind();

  /** Each platform thread's {@code struct timespec} for timed waits; waits are never nested. */
  private static final ThreadLocal<MemorySegment> TIMESPEC =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

  private Futex() {}

  @SuppressWarnings("restricted")
  private static MethodHandle bind() {
    if (!System.getProperty("os.name", "").startsWith("Linux") || SYS_FUTEX == 0) {
      return null;
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker.downcallHandle(
          linker.defaultLookup().findOrThrow("syscall"),
          FunctionDescriptor.of(
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS),
          Linker.Option.firstVariadicArg(1));
    } catch (RuntimeException e) {
      return null; // e.g. IllegalCallerException under --illegal-native-access=deny
    }
  }

  /** {@return whether futex calls are bound; if not, waiters must poll} */
  public static boolean available() {
    return SYSCALL != null;
  }

  /**
   * Sleeps while the word still holds {@code expected}, for at most {@code timeoutNanos}. Returns
   * early on a wake, a signal, or at once if the word already differs; callers re-check their
   * condition in every case (spurious wake-ups are part of the contract).
   *
   * @param segment a shared mapping
   * @param offset the word's offset, 4-byte aligned
   * @param expected the value to sleep on
   * @param timeoutNanos the longest sleep, positive
   */
  public static void await(MemorySegment segment, long offset, int expected, long timeoutNanos) {
    MemorySegment timespec = TIMESPEC.get();
    timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
    timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
    call(segment.address() + offset, FUTEX_WAIT, expected, timespec);
  }

  /**
   * Wakes up to {@code count} threads (in any process) sleeping on the word.
   *
   * @param segment a shared mapping
   * @param offset the word's offset
   * @param count how many to wake; {@link Integer#MAX_VALUE} for all
   */
  public static void wake(MemorySegment segment, long offset, int count) {
    if (SYSCALL != null) {
      call(segment.address() + offset, FUTEX_WAKE, count, MemorySegment.NULL);
    }
  }

  private static void call(long address, int op, int value, MemorySegment timeout) {
    try {
      long unused = (long) SYSCALL.invokeExact(SYS_FUTEX, address, op, value, timeout);
    } catch (Throwable e) {
      throw new IllegalStateException("futex syscall failed", e);
    }
  }
}
