package dev.multiproc.internal.launch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every child process this JVM started and that may still run. At JVM exit (normal exit, {@code
 * System.exit}, SIGTERM, SIGINT) the shutdown hook kills them all, so no child outlives an orderly
 * exit; for a disorderly one (SIGKILL, crash), each child's watchdog and parent-death signal do
 * the same from the other side.
 */
final class ChildRegistry {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("multiproc-child-reaper")
                .unstarted(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private ChildRegistry() {}

  static void add(Process process) {
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }
}
