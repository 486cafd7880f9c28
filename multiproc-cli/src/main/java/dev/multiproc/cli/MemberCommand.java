package dev.multiproc.cli;

import dev.multiproc.hazelcast.ClusterMember;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multiproc member}: one member of a cluster, serving its local pool until SIGTERM. */
@Command(
    name = "member",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a cluster member: a Hazelcast member whose tasks run in its own pool",
      "of worker JVMs. Prints where it listens, serves until SIGTERM or Ctrl-C, then",
      "leaves the cluster and stops its workers.",
      "Security: the community edition has no authentication and no TLS; anyone who",
      "can reach the port can run code in the workers. Bind to a private network",
      "only (see docs/cluster.md)."
    })
final class MemberCommand implements Callable<Integer> {
  @Option(names = "--cluster-name", required = true, paramLabel = "N", description = "The cluster's name (required: members and clients of other names are ignored).")
  String clusterName;

  @Option(names = "--join", split = ",", paramLabel = "ADDRESSES", description = "host:port of running members to join (comma-separated); none: start a new cluster.")
  List<String> join = new ArrayList<>();

  @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to bind to and advertise (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "P", description = "The first port to try; taken ports are skipped (default: ${DEFAULT-VALUE}).")
  int port = 5701;

  @Option(names = "--workers", paramLabel = "N", description = "Worker JVMs (default: available processors, ${DEFAULT-VALUE}).")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--classpath", paramLabel = "PATH", description = {
      "The application's class path (':'-separated); the multiproc launcher puts it on",
      "the member's class path, which its workers inherit (no code shipping)."})
  String classpath;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be >= 1 and --port in 1..65535");
    }
    if (classpath != null) {
      Set<Path> onClassPath = new HashSet<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        onClassPath.add(Path.of(entry).toAbsolutePath().normalize());
      }
      for (String entry : classpath.split(File.pathSeparator)) {
        if (!entry.isEmpty() && !onClassPath.contains(Path.of(entry).toAbsolutePath().normalize())) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--classpath entry " + entry + " is not on this JVM's class path: start members with ./multiproc member ..., which adds it");
        }
      }
    }
    ClusterMember member = ClusterMember.builder(clusterName).host(host).port(port).join(join).workers(workers).start();
    member.serve(System.out);
    return 0;
  }
}
