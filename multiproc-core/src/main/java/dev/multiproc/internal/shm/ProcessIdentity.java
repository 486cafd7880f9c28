package dev.multiproc.internal.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process as shared memory records it: its pid plus its start time in clock ticks since boot
 * (field 22 of {@code /proc/<pid>/stat}). The pair survives pid reuse: a recycled pid has a later
 * start time, so a record naming a dead process never matches its successor.
 *
 * <p>Packed into one {@code long} so an owner slot is written and read atomically: the pid in the
 * top 24 bits (Linux caps pids at 2^22), the low 40 bits of the start time below (2^40 ticks at
 * 100 Hz is 348 years of uptime). Zero means "nobody".
 *
 * @param pid the process id
 * @param startTicks its start time in clock ticks since boot, masked to 40 bits
 */
public record ProcessIdentity(long pid, long startTicks) {
  private static final int START_BITS = 40;
  private static final long START_MASK = (1L << START_BITS) - 1;

  private static final class Current {
    static final ProcessIdentity SELF = create();

    private static ProcessIdentity create() {
      long pid = ProcessHandle.current().pid();
      return new ProcessIdentity(pid, startTicksOf(pid).orElse(0));
    }
  }

  /** Normalizes the start time to the packed width, so records compare equal after a round trip. */
  public ProcessIdentity {
    startTicks &= START_MASK;
  }

  /** {@return this process} */
  public static ProcessIdentity current() {
    return Current.SELF;
  }

  /** {@return the identity packed into one non-zero long} */
  public long packed() {
    return pid << START_BITS | startTicks;
  }

  /**
   * Unpacks {@link #packed()}.
   *
   * @param packed the packed form, not zero
   * @return the identity
   */
  public static ProcessIdentity unpack(long packed) {
    return new ProcessIdentity(packed >>> START_BITS, packed & START_MASK);
  }

  /**
   * {@return whether this very process (not a successor reusing its pid) is running} A zombie
   * (exited, not yet reaped) counts as dead.
   */
  public boolean isAlive() {
    if (pid == current().pid) {
      return startTicks == current().startTicks;
    }
    OptionalLong start = startTicksOf(pid);
    return start.isPresent() && (start.getAsLong() & START_MASK) == startTicks;
  }

  /**
   * {@return whether some process, whatever its start time, runs under {@code pid}} Used when only
   * a pid is known (a lock word taken but its owner slot not yet written).
   *
   * @param pid the pid
   */
  public static boolean pidIsAlive(long pid) {
    return startTicksOf(pid).isPresent();
  }

  /** {@return the start time of the live (non-zombie) process {@code pid}, if there is one} */
  static OptionalLong startTicksOf(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
    if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(fields[19]));
  }
}
