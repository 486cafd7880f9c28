package dev.multiproc.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.Pool;
import dev.multiproc.ProcessPoolExecutor;
import dev.multiproc.hazelcast.internal.MemberRuntime;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cluster member in this JVM: a Hazelcast member that runs the tasks it receives in its own
 * local {@link Pool} of worker JVMs. {@code multiproc member} starts one; so can an application.
 *
 * <p><b>Guarantees.</b> Tasks run in this member's worker JVMs, so a task that crashes, exits or
 * runs out of memory takes down only its worker (replaced at once) and a task past its hard
 * timeout has its worker killed, as on one machine. {@link #close()} leaves the cluster first (the
 * callers of running tasks see a {@link dev.multiproc.MemberLostException}), then kills the worker
 * JVMs and waits for them: a member never leaves orphan workers, and if its JVM is killed outright
 * its workers exit within milliseconds on their own (their parent-death watchdog).
 *
 * <p><b>Network and security.</b> The member binds to one address (loopback by default), joins
 * the members given by TCP/IP (no multicast, no cloud discovery) and only talks to members and
 * clients with its cluster name. The community edition has no authentication and no TLS: anyone
 * who can reach the port can run code in its workers. Run members on a private network.
 *
 * <p>Members need the application's classes on their class path (the community edition has no
 * code shipping): the class files that tasks' lambdas were compiled into.
 *
 * {@snippet :
 * try (ClusterMember member = ClusterMember.builder("analytics").host("10.0.0.5").workers(8).start()) {
 *   System.out.println("listening on " + member.address());
 *   member.awaitClose();
 * }
 * }
 */
public final class ClusterMember implements AutoCloseable {
  private static final long WORKER_EXIT_TIMEOUT_SECONDS = 10;

  private final Pool pool;
  private final HazelcastInstance hazelcast;
  private final String clusterName;
  private final String address;
  private final CountDownLatch closed = new CountDownLatch(1);

  private ClusterMember(Pool pool, HazelcastInstance hazelcast, String clusterName) {
    this.pool = pool;
    this.hazelcast = hazelcast;
    this.clusterName = clusterName;
    this.address = MemberRuntime.address(hazelcast);
  }

  /**
   * {@return a builder for a member of the cluster {@code clusterName}}
   *
   * @param clusterName the cluster's name (required: members and clients of other names are ignored)
   */
  public static Builder builder(String clusterName) {
    return new Builder(clusterName);
  }

  /** {@return where the member listens, {@code host:port}} */
  public String address() {
    return address;
  }

  /** {@return the cluster's name} */
  public String clusterName() {
    return clusterName;
  }

  /** {@return how many worker JVMs the member keeps} */
  public int workers() {
    return pool.processes();
  }

  /** {@return the pids of the member's worker JVMs} */
  public List<Long> workerPids() {
    return pool.workerPids();
  }

  /** {@return the cluster's members as this member sees them, {@code host:port}} */
  public List<String> members() {
    return MemberRuntime.members(hazelcast);
  }

  /**
   * Waits until {@link #close()} is called (by another thread, or a shutdown hook on SIGTERM).
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /**
   * Prints where the member listens, closes it on SIGTERM or Ctrl-C, and waits until then: what
   * {@code multiproc member} does.
   *
   * @param out where to print
   * @throws InterruptedException if interrupted
   */
  public void serve(PrintStream out) throws InterruptedException {
    Thread hook = Thread.ofPlatform().name("multiproc-member-shutdown").unstarted(() -> {
      close();
      out.println("multiproc member " + address + " stopped");
      out.flush();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("multiproc member listening on " + address + " (cluster '" + clusterName + "', " + workers() + " workers, pid "
        + ProcessHandle.current().pid() + "); members: " + members());
    out.flush();
    awaitClose();
  }

  /** Leaves the cluster, then kills the worker JVMs and waits for them to exit. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    try {
      hazelcast.shutdown();
    } finally {
      pool.terminate();
      try {
        // Bounded: this runs in a shutdown hook on SIGTERM, which must not hang. Killed workers
        // are reaped within milliseconds; the bound is for a wedged kernel, not for us.
        ProcessPoolExecutor.of(pool).awaitTermination(WORKER_EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closed.countDown();
    }
  }

  /**
   * Configures a {@link ClusterMember}. Defaults: bind to {@code 127.0.0.1}, port 5701 (the next
   * free one above it if taken), no member to join (start a cluster), one worker JVM per available
   * processor, Hazelcast's INFO logging off.
   */
  public static final class Builder {
    private final String clusterName;
    private String host = "127.0.0.1";
    private int port = ClusterConfig.DEFAULT_PORT;
    private final List<String> join = new ArrayList<>();
    private int workers = Runtime.getRuntime().availableProcessors();
    private final List<String> workerJvmOptions = new ArrayList<>();
    private boolean quiet = true;

    private Builder(String clusterName) {
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("a cluster name is required: members of one cluster share it, others are ignored");
      }
      this.clusterName = clusterName;
    }

    /**
     * Sets the address to bind to and advertise.
     *
     * @param host an address of this machine, e.g. {@code 10.0.0.5}
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the first port to try; taken ports are skipped (up to 100 above it).
     *
     * @param port 1..65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be in 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds members to join, {@code host:port}.
     *
     * @param addresses addresses of running members
     * @return this builder
     */
    public Builder join(List<String> addresses) {
      join.addAll(addresses);
      return this;
    }

    /**
     * Sets the number of worker JVMs.
     *
     * @param workers at least 1
     * @return this builder
     */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Adds JVM options for the worker JVMs.
     *
     * @param options e.g. {@code "-Xmx512m"}
     * @return this builder
     */
    public Builder workerJvmOptions(String... options) {
      workerJvmOptions.addAll(List.of(options));
      return this;
    }

    /**
     * Sets whether Hazelcast's INFO logging is silenced (warnings still show).
     *
     * @param quiet true by default
     * @return this builder
     */
    public Builder quiet(boolean quiet) {
      this.quiet = quiet;
      return this;
    }

    /**
     * Starts the worker JVMs, then the Hazelcast member, and joins the cluster.
     *
     * @return the running member
     */
    public ClusterMember start() {
      Pool.Builder poolBuilder = Pool.builder().processes(workers).name("member");
      if (!workerJvmOptions.isEmpty()) {
        poolBuilder.jvmOptions(workerJvmOptions.toArray(String[]::new));
      }
      Pool pool = poolBuilder.build();
      try {
        return new ClusterMember(pool, MemberRuntime.start(clusterName, host, port, join, pool, quiet), clusterName);
      } catch (RuntimeException | Error e) {
        pool.terminate();
        throw e;
      }
    }
  }
}
