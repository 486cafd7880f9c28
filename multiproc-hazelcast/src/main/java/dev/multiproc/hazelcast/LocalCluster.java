package dev.multiproc.hazelcast;

import dev.multiproc.MultiprocException;
import dev.multiproc.hazelcast.internal.MemberMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster of members on this machine, each in its own child JVM on loopback, for tests, demos
 * and benchmarks: {@code LocalCluster.start(3, 2)} is three members with two worker JVMs each,
 * under a random cluster name (so concurrent runs never join each other).
 *
 * <p>The members run this JVM's class path, so every class of the application is there. They
 * stop when this JVM exits, however it exits: each member watches its standard input, whose other
 * end only this JVM holds, and leaves the cluster and kills its workers at end of file. {@link
 * #close()} stops them with SIGTERM (SIGKILL after 10 s) and waits. {@link #kill(int)} kills one
 * with SIGKILL, to test what a cluster does when a member dies.
 *
 * {@snippet :
 * try (LocalCluster cluster = LocalCluster.start(3, 2);
 *     Pool pool = ClusterPool.connect(cluster.config())) {
 *   System.out.println(pool.map(x -> x * x, List.of(1, 2, 3)));
 * }
 * }
 */
public final class LocalCluster implements AutoCloseable {
  private static final String BANNER = "multiproc member listening on ";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String clusterName;
  private final List<Process> members = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();
  private final List<ArrayDeque<String>> output = new ArrayList<>();

  private LocalCluster(String clusterName) {
    this.clusterName = clusterName;
  }

  /**
   * Starts {@code members} member JVMs with {@code workersPerMember} worker JVMs each and waits
   * until they have formed one cluster.
   *
   * @param members at least 1
   * @param workersPerMember at least 1
   * @return the running cluster
   * @throws MultiprocException if a member fails to start within 60 s (its output is in the message)
   */
  public static LocalCluster start(int members, int workersPerMember) {
    if (members < 1 || workersPerMember < 1) {
      throw new IllegalArgumentException("members and workersPerMember must be >= 1, got " + members + ", " + workersPerMember);
    }
    LocalCluster cluster = new LocalCluster("multiproc-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    int port = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
    try {
      cluster.addresses.add(cluster.launch(port, workersPerMember, List.of()).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      List<CompletableFuture<String>> rest = new ArrayList<>();
      for (int i = 1; i < members; i++) {
        rest.add(cluster.launch(port + i, workersPerMember, List.of(cluster.addresses.getFirst())));
      }
      for (CompletableFuture<String> started : rest) {
        cluster.addresses.add(started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      return cluster;
    } catch (InterruptedException e) {
      cluster.close();
      Thread.currentThread().interrupt();
      throw new MultiprocException("interrupted while starting a local cluster", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      String logs = cluster.output.toString();
      cluster.close();
      throw new MultiprocException("a local cluster member did not start within " + START_TIMEOUT.toSeconds() + " s: " + e + "; output: " + logs, e);
    }
  }

  private CompletableFuture<String> launch(int port, int workers, List<String> join) {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(List.of(
        java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
        // What Hazelcast asks for on JDK 9+ (else it warns and falls back to slower paths).
        "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        MemberMain.class.getName(),
        "--cluster-name", clusterName, "--port", Integer.toString(port), "--workers", Integer.toString(workers), "--exit-with-parent"));
    if (!join.isEmpty()) {
      command.add("--join");
      command.add(String.join(",", join));
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new MultiprocException("cannot start a member JVM: " + e.getMessage(), e);
    }
    ArrayDeque<String> tail = new ArrayDeque<>();
    synchronized (this) {
      members.add(process);
      output.add(tail);
    }
    CompletableFuture<String> address = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("multiproc-member-output-" + process.pid()).start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (tail) {
            tail.add(line);
            if (tail.size() > 40) {
              tail.removeFirst();
            }
          }
          int at = line.indexOf(BANNER);
          if (at >= 0) {
            address.complete(line.substring(at + BANNER.length()).split(" ")[0]);
          }
        }
      } catch (IOException e) {
        // the member is gone
      }
      address.completeExceptionally(new MultiprocException("member pid " + process.pid() + " exited before listening"));
    });
    return address;
  }

  /** {@return how to connect to this cluster} */
  public ClusterConfig config() {
    return ClusterConfig.of(clusterName, addresses);
  }

  /** {@return the cluster's random name} */
  public String clusterName() {
    return clusterName;
  }

  /** {@return the members' addresses, {@code host:port}, in start order} */
  public List<String> addresses() {
    return List.copyOf(addresses);
  }

  /** {@return the member JVMs' pids, in start order} */
  public synchronized List<Long> memberPids() {
    return members.stream().map(Process::pid).toList();
  }

  /**
   * Kills member {@code index} with SIGKILL and waits for it to die; its worker JVMs exit on their
   * own (parent-death watchdog).
   *
   * @param index the member's position in start order
   * @throws InterruptedException if interrupted
   */
  public void kill(int index) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = members.get(index);
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops every member with SIGTERM (SIGKILL after 10 s) and waits for them. */
  @Override
  public void close() {
    List<Process> all;
    synchronized (this) {
      all = List.copyOf(members);
    }
    all.forEach(Process::destroy);
    for (Process process : all) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
