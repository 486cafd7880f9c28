package dev.multiproc.hazelcast.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.multiproc.MemberLostException;
import dev.multiproc.MultiprocException;
import dev.multiproc.function.SerializableCallable;
import dev.multiproc.spi.PoolBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/*
 * Overview: a PoolBackend whose workers are the worker JVMs of a cluster's members.
 *
 * The caller is a Hazelcast *client* (smart routing: it connects to every member), never a
 * member: it holds no partitions and its death costs the cluster nothing. Each task goes to one
 * member chosen here, the one with the fewest tasks in flight per worker (members advertise their
 * worker count), through that member's "multiproc" executor; the member runs it in its local Pool
 * (MemberTask). Balancing here rather than in Hazelcast's executor keeps a slow member from
 * collecting a queue while others idle, and lets the pool's window (parallelism) mean the same as
 * locally.
 *
 * A member that goes silent without its connection dropping (frozen, cut off) is dropped by the
 * client's heartbeat after 15 s; a task with a timeout also gives up on it 10 s after the timeout.
 *
 * Failures: the member answers with an Outcome (value or the pool's exception, stack intact). A
 * member that leaves while it runs a task shows up as a transport failure (the connection drops,
 * MemberLeftException, TargetDisconnectedException...): the task fails with MemberLostException, a
 * WorkerCrashedException, so MapReduce jobs run it again on a survivor exactly as they do when a
 * local worker dies. Nothing is retried here: a plain task may have run, and only the caller knows
 * whether it is idempotent.
 *
 * Lifecycle: RUNNING -> SHUTDOWN (shutdown(): no new tasks; the client closes when the last
 * accepted task completes) or TERMINATED (terminate(): accepted tasks are cancelled, on the members
 * too, and the client closes now). Terminated = client closed.
 */
/** The cluster backend: tasks run on the members' local pools. */
public final class ClusterBackend implements PoolBackend {
  private static final Logger HAZELCAST_LOGGER = Logger.getLogger("com.hazelcast");
  /** How long past a task's timeout the caller waits for its member's answer before presuming the member lost. */
  private static final long SILENT_MEMBER_GRACE_MILLIS = 10_000;

  private enum State {
    RUNNING,
    SHUTDOWN,
    TERMINATED
  }

  private final HazelcastInstance client;
  private final IExecutorService executor;
  private final int parallelism;
  private final String description;
  private final Map<UUID, AtomicInteger> inFlightByMember = new ConcurrentHashMap<>();
  /**
   * Members that failed a task as lost. The client's member list may name a dead member for a
   * while, and with nothing in flight it would look like the least busy one: every retry would go
   * to it. A member's UUID is never reused, so one seen lost stays excluded.
   */
  private final Set<UUID> lostMembers = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Executor callbacks = runnable -> Thread.ofVirtual().name("multiproc-cluster-callback").start(runnable);
  private volatile State state = State.RUNNING;

  private ClusterBackend(HazelcastInstance client, int parallelism, String description) {
    this.client = client;
    this.executor = client.getExecutorService(MemberRuntime.EXECUTOR);
    this.parallelism = parallelism;
    this.description = description;
  }

  /**
   * Connects to a cluster.
   *
   * @param clusterName the cluster's name
   * @param addresses some members' addresses
   * @param connectTimeout how long to try
   * @return the connected backend
   * @throws MultiprocException if no member answers in time, or none is a multiproc member
   */
  public static ClusterBackend connect(String clusterName, List<String> addresses, Duration connectTimeout) {
    HazelcastInstance client = newClient(clusterName, addresses, connectTimeout);
    String where = "cluster '" + clusterName + "' at " + addresses;
    int workers = 0;
    for (Member member : client.getCluster().getMembers()) {
      workers += workersOf(member);
    }
    if (workers == 0) {
      client.shutdown();
      throw new MultiprocException(where + " has no multiproc member (no member advertises workers): start members with"
          + " `multiproc member --cluster-name " + clusterName + "`");
    }
    return new ClusterBackend(client, workers, where);
  }

  /**
   * Opens a Hazelcast client to a cluster of multiproc members.
   *
   * @param clusterName the cluster's name
   * @param addresses some members' addresses
   * @param connectTimeout how long to try
   * @return the connected client
   * @throws MultiprocException if no member answers in time
   */
  public static HazelcastInstance newClient(String clusterName, List<String> addresses, Duration connectTimeout) {
    HAZELCAST_LOGGER.setLevel(Level.WARNING); // the client's INFO lines would mix with the application's output
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.client.shutdownhook.enabled", "false");
    // A member that stops answering heartbeats for 15 s (not the default 60) is dropped, failing
    // its tasks with MemberLostException, as the members themselves do (MemberRuntime).
    config.setProperty("hazelcast.client.heartbeat.timeout", "15000");
    config.getNetworkConfig().setAddresses(new ArrayList<>(addresses));
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeout.toMillis())
        .setInitialBackoffMillis(100)
        .setMaxBackoffMillis(1000);
    try {
      return HazelcastClient.newHazelcastClient(config);
    } catch (RuntimeException e) {
      throw new MultiprocException(
          "cannot connect to cluster '" + clusterName + "' at " + addresses + " within " + connectTimeout.toMillis()
              + " ms: is a member running there with `multiproc member --cluster-name " + clusterName + "`? (" + e.getMessage() + ")", e);
    }
  }

  private static int workersOf(Member member) {
    String value = member.getAttribute(MemberRuntime.WORKERS_ATTRIBUTE);
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public <R> CompletableFuture<R> submit(SerializableCallable<R> task, Duration timeout) {
    Objects.requireNonNull(task, "task");
    byte[] payload = Wire.task(task); // not serializable: fails here, nothing sent
    if (state != State.RUNNING) {
      throw new RejectedExecutionException("the cluster pool (" + description + ") is " + state.name().toLowerCase() + "; it accepts no new tasks");
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((r, e) -> {
      inFlight.remove(result);
      checkTerminated();
    });
    Member member = pick();
    if (member == null) {
      result.completeExceptionally(new MemberLostException("no multiproc member is left in " + description, "none", null));
      return result;
    }
    AtomicInteger load = inFlightByMember.computeIfAbsent(member.getUuid(), k -> new AtomicInteger());
    load.incrementAndGet();
    String address = member.getAddress().getHost() + ":" + member.getAddress().getPort();
    Future<byte[]> sent;
    try {
      sent = executor.submitToMember(new MemberTask(payload, timeout), member);
    } catch (RuntimeException e) {
      load.decrementAndGet();
      result.completeExceptionally(translate(e, member));
      return result;
    }
    CompletableFuture<byte[]> remote = sent instanceof CompletableFuture<byte[]> cf ? cf : CompletableFuture.supplyAsync(() -> await(sent), callbacks);
    remote.whenCompleteAsync(
        (bytes, error) -> {
          load.decrementAndGet();
          if (error != null) {
            result.completeExceptionally(translate(error, member));
            return;
          }
          try {
            Wire.Outcome outcome = (Wire.Outcome) Wire.decode(bytes);
            if (outcome.failure() != null) {
              result.completeExceptionally(outcome.failure());
            } else {
              @SuppressWarnings("unchecked")
              R value = (R) outcome.value();
              result.complete(value);
            }
          } catch (IOException | ClassNotFoundException | RuntimeException e) {
            result.completeExceptionally(new MultiprocException("the outcome of a task on member " + address + " cannot be decoded here: " + e, e));
          }
        },
        callbacks);
    result.whenComplete((r, e) -> {
      if (e instanceof CancellationException) {
        sent.cancel(true); // interrupts the member's thread, which cancels the task in its worker
      }
    });
    if (timeout != null) {
      // The member enforces the timeout; if its answer has not come well after it, the member has
      // gone silent (frozen, cut off) without its connection dropping: presume it lost.
      long deadlineMillis = timeout.toMillis() + SILENT_MEMBER_GRACE_MILLIS;
      CompletableFuture.delayedExecutor(deadlineMillis, TimeUnit.MILLISECONDS, callbacks).execute(() -> {
        if (result.completeExceptionally(new MemberLostException(
            "member " + address + " gave no answer " + SILENT_MEMBER_GRACE_MILLIS + " ms after the task's timeout of " + timeout
                + "; it is presumed lost (frozen or cut off)", address, null))) {
          lostMembers.add(member.getUuid());
          sent.cancel(true);
        }
      });
    }
    return result;
  }

  private static byte[] await(Future<byte[]> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    }
  }

  /** The member with the fewest tasks in flight per worker, or null if none is left. */
  private Member pick() {
    Member best = null;
    double bestLoad = Double.MAX_VALUE;
    for (Member member : client.getCluster().getMembers()) {
      int workers = workersOf(member);
      if (workers == 0 || lostMembers.contains(member.getUuid())) {
        continue;
      }
      AtomicInteger count = inFlightByMember.get(member.getUuid());
      double load = (count == null ? 0 : count.get()) / (double) workers;
      if (load < bestLoad) {
        best = member;
        bestLoad = load;
      }
    }
    return best;
  }

  private Throwable translate(Throwable error, Member member) {
    String address = member.getAddress().getHost() + ":" + member.getAddress().getPort();
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof CancellationException) {
      return e;
    }
    if (e instanceof HazelcastClientNotActiveException) {
      return state == State.RUNNING
          ? new MultiprocException("the connection to " + description + " was closed: " + e.getMessage(), e)
          : new CancellationException("the cluster pool was terminated");
    }
    if (e instanceof MemberLeftException
        || e instanceof TargetDisconnectedException
        || e instanceof TargetNotMemberException
        || e instanceof HazelcastInstanceNotActiveException) {
      lostMembers.add(member.getUuid());
      return new MemberLostException("member " + address + " left the cluster while running the task: " + e.getMessage(), address, e);
    }
    return new MultiprocException("running the task on member " + address + " failed: " + e, e);
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public void shutdown() {
    if (state == State.RUNNING) {
      state = State.SHUTDOWN;
    }
    checkTerminated();
  }

  @Override
  public void terminate() {
    state = State.TERMINATED;
    for (CompletableFuture<?> future : List.copyOf(inFlight)) {
      future.cancel(true);
    }
    close();
  }

  private void checkTerminated() {
    if (state != State.RUNNING && inFlight.isEmpty()) {
      close();
    }
  }

  private synchronized void close() {
    if (!terminated.isDone()) {
      try {
        client.shutdown();
      } finally {
        terminated.complete(null);
      }
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  @Override
  public boolean isShutdown() {
    return state != State.RUNNING;
  }

  @Override
  public boolean isTerminated() {
    return terminated.isDone();
  }

  @Override
  public String toString() {
    return "ClusterBackend[" + description + ", " + parallelism + " workers]";
  }
}
