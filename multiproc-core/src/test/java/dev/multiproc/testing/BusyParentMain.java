package dev.multiproc.testing;

import dev.multiproc.ChildProcess;
import dev.multiproc.Pool;
import dev.multiproc.mapreduce.Input;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.KeyCounter;
import dev.multiproc.shared.ProcessEvent;
import dev.multiproc.shared.ProcessLock;
import dev.multiproc.shared.SharedInt;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * A parent JVM caught in the middle of everything at once, for the SIGKILL test: a pool running a
 * MapReduce job, a child holding a cross-process lock inside its locked section, and shared
 * segments in use. Prints every child pid ("PID n"), every segment ("SEGMENT name"), then "READY",
 * and waits to be killed.
 */
public final class BusyParentMain {
  private BusyParentMain() {}

  static long slowly(int n) throws InterruptedException {
    Thread.sleep(50);
    return n;
  }

  /**
   * Runs the parent.
   *
   * @param args unused
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    SharedInt counter = SharedInt.create(0);
    ProcessLock lock = ProcessLock.create();
    ProcessEvent inside = ProcessEvent.create();
    ChildProcess<Void> holder = ChildProcess.of(() -> {
      lock.lock();
      try {
        counter.incrementAndGet();
        inside.set();
        Thread.sleep(600_000); // the locked section the parent dies in
      } finally {
        lock.unlock();
      }
    });
    holder.start();
    if (!inside.await(Duration.ofSeconds(30))) {
      throw new IllegalStateException("the child never entered its locked section");
    }

    Pool pool = Pool.create(2);
    Thread job = Thread.ofPlatform().daemon().start(() -> {
      try {
        Job.count(Input.of(IntStream.range(0, 100_000).boxed().toList(), 10), (Integer n, KeyCounter counts) -> counts.add("k", slowly(n)))
            .run(pool);
      } catch (Exception e) {
        // the parent is about to be killed; nothing to report
      }
    });
    while (pool.workerPids().size() < 2) {
      Thread.sleep(20);
    }
    Thread.sleep(300); // the workers are mapping
    pool.workerPids().forEach(pid -> System.out.println("PID " + pid));
    System.out.println("PID " + holder.pid().getAsLong());
    for (String segment : new String[] {counter.name(), lock.name(), inside.name()}) {
      System.out.println("SEGMENT " + segment);
    }
    System.out.println("READY");
    System.out.flush();
    job.join();
  }
}
