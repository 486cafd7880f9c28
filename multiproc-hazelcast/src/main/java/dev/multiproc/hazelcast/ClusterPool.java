package dev.multiproc.hazelcast;

import dev.multiproc.Pool;
import dev.multiproc.ProcessPoolExecutor;
import dev.multiproc.hazelcast.internal.ClusterBackend;
import dev.multiproc.hazelcast.internal.SharedClients;

/**
 * Connects {@link Pool}s and {@link ProcessPoolExecutor}s to a cluster of {@code multiproc member}s:
 * the same code that runs on this machine's worker JVMs runs on the members' worker JVMs.
 *
 * <p><b>What stays the same.</b> {@code apply}, {@code applyAsync}, {@code map}, {@code imap},
 * {@code imapUnordered}, {@code starmap}, the executor, {@code CompletableFuture}s, {@code
 * asCompleted}, MapReduce {@code Job}s: a task's exception arrives as the cause of a {@link
 * dev.multiproc.TaskFailedException} with its remote stack; a task past its hard timeout fails
 * with {@link dev.multiproc.TaskTimeoutException} and its worker JVM is killed (on its member); a
 * worker that crashes fails only its tasks, with {@link dev.multiproc.WorkerCrashedException}.
 *
 * <p><b>What differs.</b> A member that leaves (killed, partitioned, shut down) fails the tasks it
 * was running with {@link dev.multiproc.MemberLostException}; MapReduce jobs run those splits and
 * partitions again on the survivors, so their answers stay exact, but a plain task is not re-run
 * (it may have run). The members must have the application's classes on their class path (there
 * is no code shipping). Shared-memory objects are node-local: a task that captures one is rejected
 * at submission with an {@link IllegalArgumentException}. The
 * worker JVMs' settings belong to the members ({@code multiproc member --workers N}); the pool's
 * builder rejects them. {@link Pool#workerPids()} is empty. Closing the pool closes the connection,
 * never the members.
 *
 * <p>Counters, locks and queues that tasks on any member share: {@link ClusterCounter}, {@link
 * ClusterLock}, {@link ClusterQueue} (not linearizable under a network split; see each).
 *
 * <p>Thread-safe, like any pool.
 *
 * {@snippet :
 * try (Pool pool = ClusterPool.connect(ClusterConfig.of("analytics", "10.0.0.5:5701"))) {
 *   CountTable words = Job.count(TextInput.files(Path.of("/shared/data.tsv")), mapper).run(pool);
 * }
 * }
 *
 * @see ClusterConfig
 * @see ClusterMember
 * @see ClusterCounter
 * @see ClusterLock
 * @see ClusterQueue
 */
public final class ClusterPool {
  private ClusterPool() {}

  /**
   * Connects a pool to a cluster.
   *
   * @param config where the cluster is
   * @return the pool; its {@link Pool#processes()} is the members' total worker count
   * @throws dev.multiproc.MultiprocException if no multiproc member answers within the connect timeout
   */
  public static Pool connect(ClusterConfig config) {
    return builder(config).build();
  }

  /**
   * A pool builder already connected to a cluster, to set what a cluster pool honours ({@link
   * Pool.Builder#taskTimeout}, {@link Pool.Builder#name}). Setting a worker JVM setting fails at
   * {@link Pool.Builder#build()}, which then closes the connection.
   *
   * @param config where the cluster is
   * @return the builder
   * @throws dev.multiproc.MultiprocException if no multiproc member answers within the connect timeout
   */
  public static Pool.Builder builder(ClusterConfig config) {
    return Pool.builder().backend(ClusterBackend.connect(config.clusterName(), config.addresses(), config.connectTimeout()));
  }

  /**
   * Closes the connections that {@link ClusterCounter}, {@link ClusterLock} and {@link
   * ClusterQueue} opened in this JVM (one per cluster, on first use). Call it when this JVM is done
   * with them: the connection's threads are not daemon threads, so a program whose {@code main}
   * returns would otherwise keep running. Objects used afterwards connect again. Tasks need not
   * call it: worker JVMs exit by themselves.
   */
  public static void closeSharedObjects() {
    SharedClients.closeAll();
  }

  /**
   * An {@link java.util.concurrent.ExecutorService} on a cluster: Python's {@code
   * ProcessPoolExecutor}, across machines.
   *
   * @param config where the cluster is
   * @return the executor; shutting it down closes the connection
   * @throws dev.multiproc.MultiprocException if no multiproc member answers within the connect timeout
   */
  public static ProcessPoolExecutor executor(ClusterConfig config) {
    return ProcessPoolExecutor.of(connect(config));
  }
}
