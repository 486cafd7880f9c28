package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multiproc member} as a user runs it (its own JVM): prints where it listens, serves
 * {@code multiproc wordcount --cluster} with the same answer as a local run, and on SIGTERM
 * leaves the cluster and stops its worker JVMs.
 */
@Timeout(120)
class MemberCommandTest {
  @TempDir static Path dir;

  /** member: listens on loopback, serves a word count whose JSON equals the local run's, stops on SIGTERM leaving no worker. */
  @Test
  void member_servesWordcount_andStopsCleanlyOnSigterm() throws Exception {
    Path sample = dir.resolve("1gram.tsv");
    assertThat(CliRun.of("gen-ngrams", sample.toString(), "--lines", "100000", "--seed", "7").exitCode()).isZero();
    String clusterName = "multiproc-cli-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    String javaBinary = ProcessHandle.current().info().command().orElseThrow();
    int port = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
    Path log = dir.resolve("member.log"); // a file, not a pipe: a pipe's last lines can be lost when the process exits
    Process member = new ProcessBuilder(javaBinary, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), MultiprocCommand.class.getName(),
        "member", "--cluster-name", clusterName, "--port", Integer.toString(port), "--workers", "2")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      String address = null;
      long startDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (address == null && member.isAlive() && System.nanoTime() < startDeadline) {
        address = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("multiproc member listening on "))
            .map(l -> l.substring("multiproc member listening on ".length()).split(" ")[0])
            .findFirst()
            .orElse(null);
        Thread.sleep(50);
      }
      assertThat(address).as("the member's output: %s", Files.readString(log)).startsWith("127.0.0.1:");
      List<ProcessHandle> workers = member.toHandle().descendants().toList();

      CliRun local = CliRun.of("wordcount", sample.toString(), "--workers", "2", "--format", "json", "--word", "the");
      CliRun cluster = CliRun.of("wordcount", sample.toString(), "--cluster", address, "--cluster-name", clusterName, "--format", "json", "--word", "the");
      assertThat(cluster.exitCode()).as(cluster.err()).isZero();
      assertThat(withoutTiming(cluster.out())).isEqualTo(withoutTiming(local.out()));

      member.destroy(); // SIGTERM
      assertThat(member.waitFor(30, TimeUnit.SECONDS)).as("member exits on SIGTERM").isTrue();
      assertThat(Files.readAllLines(log, StandardCharsets.UTF_8)).as("the member's output").contains("multiproc member " + address + " stopped");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(workers).as("the member's worker JVMs").noneMatch(ProcessHandle::isAlive);
    } finally {
      member.destroyForcibly();
    }
  }

  /** --cluster without --cluster-name is a usage error. */
  @Test
  void cluster_withoutName_isAUsageError() {
    CliRun run = CliRun.of("wordcount", "x.tsv", "--cluster", "127.0.0.1:5701");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cluster needs --cluster-name");
  }

  /** The run's timing and worker count differ between a local and a cluster run; everything else must not. */
  private static String withoutTiming(String json) {
    return json.replaceAll("\"seconds\": [0-9.]+", "\"seconds\": _").replaceAll("\"workers\": [0-9]+", "\"workers\": _");
  }
}
