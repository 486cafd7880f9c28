package dev.multiproc.testing;

import dev.multiproc.ChildProcess;
import dev.multiproc.shared.ProcessEvent;
import dev.multiproc.shared.SharedInt;
import java.time.Duration;

/**
 * A parent JVM for segment-lifecycle tests: creates a {@link SharedInt}, starts a child that
 * attaches it and sleeps, prints "SEGMENT name", "PID child" and "READY", then exits normally
 * ({@code System.exit(0)}) while the child still runs.
 */
public final class SharedSegmentParentMain {
  private SharedSegmentParentMain() {}

  /**
   * Runs the parent.
   *
   * @param args unused
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    SharedInt value = SharedInt.create(0);
    ProcessEvent attached = ProcessEvent.create();
    ChildProcess<Void> child =
        ChildProcess.of(
            () -> {
              value.incrementAndGet();
              attached.set();
              Thread.sleep(600_000);
            });
    child.start();
    if (!attached.await(Duration.ofSeconds(30))) {
      throw new IllegalStateException("child did not attach");
    }
    System.out.println("SEGMENT " + value.name());
    System.out.println("SEGMENT " + attached.name());
    System.out.println("PID " + child.pid().getAsLong());
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(200);
    System.exit(0);
  }
}
