package dev.multiproc.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.Pool;
import dev.multiproc.shared.SharedLong;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool contract on a real cluster: three member JVMs on loopback under a random cluster name,
 * one worker JVM each; plus what only a cluster pool does (URI selection, rejected settings).
 */
class ClusterPoolContractTest extends PoolContract {
  private static LocalCluster cluster;
  private static Pool pool;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(3, 1);
    pool = ClusterPool.connect(cluster.config());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    List<ProcessHandle> descendants = ClusterFailoverTest.membersAndWorkers();
    ClusterPool.closeSharedObjects(); // the counter, lock and queue tests' connection
    try {
      if (pool != null) {
        pool.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    ClusterFailoverTest.awaitGone(descendants);
  }

  @Override
  protected Pool pool() {
    return pool;
  }

  /** The pool's parallelism is the members' total worker count. */
  @Test
  void processes_isTheMembersWorkerCount() {
    assertThat(pool.processes()).isEqualTo(3);
    assertThat(pool.isLocal()).isFalse();
    assertThat(pool.workerPids()).isEmpty();
  }

  /** Pool.builder().cluster(uri) finds the hazelcast backend through the ServiceLoader. */
  @Test
  void clusterUri_selectsTheBackend() throws Exception {
    try (Pool byUri = Pool.builder().cluster(cluster.config().toUri()).taskTimeout(Duration.ofSeconds(30)).build()) {
      assertThat(byUri.apply(() -> "via uri")).isEqualTo("via uri");
    }
  }

  /** Settings of the worker JVMs themselves are rejected for a cluster pool, naming them. */
  @Test
  void workerSettings_areRejected() {
    assertThatThrownBy(() -> ClusterPool.builder(cluster.config()).processes(4).jvmOptions("-Xmx1g").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processes, jvmOptions");
  }

  /** A task that captures a shared-memory object is rejected at submission: shared memory is node-local. */
  @Test
  void sharedMemoryObjects_areRejected() {
    try (SharedLong counter = SharedLong.create(0)) {
      assertThatThrownBy(() -> pool.applyAsync(() -> counter.incrementAndGet()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("node-local");
    }
  }

  /** Tasks on every member increment one ClusterCounter: no increment is lost. */
  @Test
  void clusterCounter_incrementsFromEveryMemberAreExact() throws Exception {
    ClusterCounter counter = ClusterCounter.of(cluster.config(), "counter-" + System.nanoTime());
    pool.map((Integer task) -> {
      for (int k = 0; k < 200; k++) {
        counter.incrementAndGet();
      }
      return task;
    }, IntStream.range(0, 6).boxed().toList(), 1);
    assertThat(counter.get()).isEqualTo(1200);
    assertThat(counter.compareAndSet(1200, 5)).isTrue();
    assertThat(counter.compareAndSet(1200, 6)).isFalse();
    assertThat(counter.getAndAdd(2)).isEqualTo(5);
    assertThat(counter.get()).isEqualTo(7);
  }

  /** A ClusterLock makes an unatomic read-modify-write from tasks on every member exact. */
  @Test
  void clusterLock_makesReadModifyWriteExact() throws Exception {
    ClusterCounter counter = ClusterCounter.of(cluster.config(), "locked-" + System.nanoTime());
    ClusterLock lock = ClusterLock.of(cluster.config(), "lock-" + System.nanoTime());
    pool.map((Integer task) -> {
      for (int k = 0; k < 50; k++) {
        lock.lock();
        try {
          counter.set(counter.get() + 1);
        } finally {
          lock.unlock();
        }
      }
      return task;
    }, IntStream.range(0, 6).boxed().toList(), 1);
    assertThat(counter.get()).isEqualTo(300);
    assertThat(lock.tryLock()).isTrue();
    lock.unlock();
    assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
  }

  /** Tasks on every member put into one ClusterQueue; the caller takes each element once. */
  @Test
  void clusterQueue_carriesElementsFromTasksToTheCaller() throws Exception {
    ClusterQueue<Integer> queue = ClusterQueue.of(cluster.config(), "queue-" + System.nanoTime());
    pool.map((Integer item) -> queue.offer(item * 10), IntStream.range(0, 20).boxed().toList(), 1); // unbounded: offer never waits
    List<Integer> taken = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      taken.add(queue.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }
    assertThat(taken).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).map(i -> i * 10).boxed().toList());
    assertThat(queue.poll()).isNull();
  }

  /** A closed cluster pool rejects new tasks. */
  @Test
  void closedPool_rejectsTasks() {
    Pool other = ClusterPool.connect(cluster.config());
    other.close();
    assertThatThrownBy(() -> other.applyAsync(() -> 1)).isInstanceOf(RejectedExecutionException.class);
  }

  /** Connecting to a cluster name nobody uses fails within the connect timeout, saying what to do. */
  @Test
  void wrongClusterName_failsToConnect() {
    ClusterConfig wrong = ClusterConfig.of("no-such-cluster", cluster.addresses()).withConnectTimeout(Duration.ofSeconds(2));
    assertThatThrownBy(() -> ClusterPool.connect(wrong))
        .isInstanceOf(dev.multiproc.MultiprocException.class)
        .hasMessageContaining("multiproc member --cluster-name no-such-cluster");
  }
}
