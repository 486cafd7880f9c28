package dev.multiproc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves a Multiproc worker JVM running: after the class, every worker
 * descended from this JVM must exit within a few seconds (standby processes excepted, which live
 * for the JVM by design and are killed at its exit).
 */
public final class NoStrayChildren implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<String> stray;
    do {
      stray = strayWorkers();
      if (stray.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(stray).as("worker JVMs still running after %s", context.getDisplayName()).isEmpty();
  }

  /** {@return the command lines of running worker JVMs below this JVM, standby and AOT training excepted} */
  public static List<String> strayWorkers() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
        .filter(c -> c.contains("dev.multiproc.internal.worker.WorkerMain"))
        .filter(c -> !c.contains("/standby-") && !c.contains("aot-training") && !c.contains("AOTCacheOutput"))
        .toList();
  }
}
