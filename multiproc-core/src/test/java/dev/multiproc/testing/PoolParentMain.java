package dev.multiproc.testing;

import dev.multiproc.Pool;

/**
 * A parent JVM for shutdown tests: starts a pool of {@code args[0]} workers busy with long tasks,
 * prints each worker's pid and "READY", then waits for a signal.
 */
public final class PoolParentMain {
  private PoolParentMain() {}

  /**
   * Runs the parent.
   *
   * @param args worker count
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    Pool pool = Pool.create(Integer.parseInt(args[0]));
    for (int i = 0; i < 10; i++) {
      pool.applyAsync(() -> { Thread.sleep(600_000); return 0; });
    }
    while (pool.workerPids().size() < pool.processes()) {
      Thread.sleep(20);
    }
    Thread.sleep(300); // let the workers take their tasks
    pool.workerPids().forEach(pid -> System.out.println("PID " + pid));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
