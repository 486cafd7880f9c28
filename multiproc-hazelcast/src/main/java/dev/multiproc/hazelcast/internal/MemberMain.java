package dev.multiproc.hazelcast.internal;

import dev.multiproc.hazelcast.ClusterMember;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * The main class of the member JVMs that {@code LocalCluster} starts (tests, {@code multiproc
 * bench cluster}). Users start members with {@code multiproc member}, which takes the same options
 * with help and checks. With {@code --exit-with-parent} the member exits (closing its pool) when
 * its standard input reaches end of file — when the JVM that started it dies, even by SIGKILL.
 */
public final class MemberMain {
  private MemberMain() {}

  /**
   * Starts a member and serves until SIGTERM (or stdin EOF with {@code --exit-with-parent}).
   *
   * @param args {@code --cluster-name N [--host H] [--port P] [--workers W] [--join a,b] [--exit-with-parent]}
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    String clusterName = null;
    ClusterMember.Builder builder = null;
    String host = null;
    Integer port = null;
    Integer workers = null;
    List<String> join = List.of();
    boolean exitWithParent = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--cluster-name" -> clusterName = args[++i];
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--join" -> join = Arrays.asList(args[++i].split(","));
        case "--exit-with-parent" -> exitWithParent = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    builder = ClusterMember.builder(clusterName).join(join);
    if (host != null) {
      builder.host(host);
    }
    if (port != null) {
      builder.port(port);
    }
    if (workers != null) {
      builder.workers(workers);
    }
    ClusterMember member = builder.start();
    if (exitWithParent) {
      Thread.ofPlatform().daemon().name("multiproc-member-parent-watch").start(() -> {
        try {
          InputStream in = System.in;
          while (in.read() >= 0) {
            // nothing is sent; EOF means the parent is gone
          }
        } catch (IOException e) {
          // a broken stdin is a gone parent too
        }
        System.exit(0); // runs the shutdown hook: leave the cluster, kill the workers
      });
    }
    member.serve(System.out);
  }
}
