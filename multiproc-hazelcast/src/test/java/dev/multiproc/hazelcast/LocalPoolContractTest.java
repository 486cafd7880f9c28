package dev.multiproc.hazelcast;

import dev.multiproc.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The pool contract on this machine's worker JVMs (the default backend). */
class LocalPoolContractTest extends PoolContract {
  private static Pool pool;

  @BeforeAll
  static void start() {
    pool = Pool.create(2);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    pool.terminate();
    pool.join();
  }

  @Override
  protected Pool pool() {
    return pool;
  }
}
