package dev.multiproc.hazelcast.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.multiproc.Pool;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/*
 * Overview: one cluster member = one Hazelcast member + one local process pool.
 *
 * The Hazelcast member only transports: its executor ("multiproc") receives MemberTasks and each
 * one blocks an executor thread while the local Pool runs the task in a worker JVM. The executor
 * therefore has several threads per worker (waiting costs a thread, not a core); the pool's own
 * queue does the real scheduling. The member advertises its worker count in the member attribute
 * "multiproc.workers": clients sum it for the pool's parallelism and balance tasks by it.
 *
 * Lifecycle: STARTING (pool, then Hazelcast) -> RUNNING -> STOPPED by close(): Hazelcast first
 * (no new tasks; callers of running tasks see the member leave), then the pool is terminated and
 * its worker JVMs killed and reaped. Hazelcast's own shutdown hook is off so that this order holds
 * on SIGTERM too; worker JVMs also die on their own when this JVM dies (their stdin watchdog).
 *
 * Networking: the member binds only to the given address (loopback by default;
 * hazelcast.socket.bind.any=false and hazelcast.local.localAddress), joins by TCP/IP to the given
 * addresses (multicast and cloud auto-detection off: no accidental joins), and ports
 * auto-increment from the given one, so several members on one host get 5701, 5702, ...
 */
/** Starts the Hazelcast side of a member around a local pool. */
public final class MemberRuntime {
  /** The member's user-context key for its local pool. */
  static final String POOL_KEY = "multiproc.pool";
  /** The member attribute holding its worker count. */
  static final String WORKERS_ATTRIBUTE = "multiproc.workers";
  /** The executor that carries tasks. */
  static final String EXECUTOR = "multiproc";

  private static final Logger HAZELCAST_LOGGER = Logger.getLogger("com.hazelcast");

  private MemberRuntime() {}

  /**
   * Starts a Hazelcast member serving {@code pool}.
   *
   * @param clusterName the cluster's name
   * @param host the address to bind to
   * @param port the first port to try
   * @param join addresses of members to join ({@code host:port}); empty: start alone
   * @param pool the local pool that runs the tasks
   * @param quiet whether to keep Hazelcast's INFO logging quiet
   * @return the running member
   */
  public static HazelcastInstance start(String clusterName, String host, int port, List<String> join, Pool pool, boolean quiet) {
    if (quiet) {
      HAZELCAST_LOGGER.setLevel(Level.WARNING);
    }
    String ip = resolve(host);
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Bind to this address only, and skip Hazelcast's interface picking (which may pass over
    // loopback or choose a docker bridge): the member is where the user said.
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", ip);
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    // Leave room for a member that dies: the client side fails its tasks as soon as the connection
    // drops; the members themselves need not wait the default 60 s to agree that it is gone.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(100);
    JoinConfig joinConfig = network.getJoin();
    joinConfig.getMulticastConfig().setEnabled(false);
    joinConfig.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>(join);
    if (members.isEmpty()) {
      members.add(ip + ":" + port); // alone: without a port, TCP/IP discovery would probe 5701-5703
    }
    joinConfig.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.getMemberAttributeConfig().setAttribute(WORKERS_ATTRIBUTE, Integer.toString(pool.processes()));
    config.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(16, pool.processes() * 8));
    config.getUserContext().put(POOL_KEY, pool);
    return Hazelcast.newHazelcastInstance(config);
  }

  private static String resolve(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the bind address " + host + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@return the member's address, {@code host:port}}
   *
   * @param member a running member
   */
  public static String address(HazelcastInstance member) {
    var address = member.getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  /**
   * {@return the addresses of the cluster's members, as this member sees them}
   *
   * @param member a running member
   */
  public static List<String> members(HazelcastInstance member) {
    List<String> out = new ArrayList<>();
    member.getCluster().getMembers().forEach(m -> out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort()));
    return out;
  }
}
