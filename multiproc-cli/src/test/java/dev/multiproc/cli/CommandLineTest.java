package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The multiproc command end to end, in-process, with real child JVMs and the real Python reference. */
@Timeout(120)
class CommandLineTest {

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** Every subcommand answers --help with exit code 0. */
  @Test
  void help_onEverySubcommand() {
    for (String[] args :
        new String[][] {{"--help"}, {"demo", "--help"}, {"bench", "--help"}, {"bench", "process", "--help"}, {"bench", "pool", "--help"},
          {"bench", "wordcount", "--help"}, {"wordcount", "--help"}, {"gen-ngrams", "--help"}, {"chaos", "--help"},
          {"race", "--help"}, {"bench", "shared", "--help"}, {"bench", "queue", "--help"}}) {
      CliRun r = run(args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).contains("Usage:");
    }
  }

  /** An unknown option is a usage error: exit code 2 and a message on stderr. */
  @Test
  void badUsage_exitsWith2() {
    CliRun r = run("demo", "--no-such-option");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
  }

  /** The demo runs children, reports results, and shows each way a process ends. */
  @Test
  void demo_reportsChildrenAndExitCodes() {
    CliRun r = run("demo", "--children", "2", "--limit", "20000");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("primes below 20,000: 2,262")
        .contains("exitcode=1")
        .contains("IllegalStateException: bad input in the child")
        .contains("exitcode=3")
        .contains("exitcode=-15");
  }

  /** bench process --json prints the DEVELOPERS.md shape with both workloads, measured against Python. */
  @Test
  void benchProcess_json_hasBothWorkloads() {
    Path scripts = Path.of("..", "bench", "python");
    assertThat(scripts).isDirectory();
    System.setProperty("multiproc.home", Path.of("..").toAbsolutePath().normalize().toString());
    CliRun r = run("bench", "process", "--json", "--runs", "1", "--warmup", "0", "--pause-ms", "0");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    assertThat(json).startsWith("{\"workloads\": {").endsWith("}}");
    for (String workload : new String[] {"process_start_join", "process_start_join_standby"}) {
      assertThat(json).containsPattern(
          "\"" + workload + "\": \\{\"unit\": \"ms\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"lower\", \"speedup\": [0-9.]+");
    }
    assertThat(json).contains("\"python_fork\": ");
    assertThat(Files.exists(scripts.resolve("process_start_join.py"))).isTrue();
  }

  /** bench pool --json prints every pool workload, ours and Python's, in the DEVELOPERS.md shape (small sizes). */
  @Test
  void benchPool_json_hasEveryWorkload() {
    System.setProperty("multiproc.home", Path.of("..").toAbsolutePath().normalize().toString());
    CliRun r = run("bench", "pool", "--json", "--tasks", "300", "--map-items", "20000", "--latency-calls", "50");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    for (String workload :
        new String[] {
          "pool_startup", "apply_latency_p50", "apply_latency_p99", "apply_async_throughput", "executor_throughput", "map_throughput", "cpu_speedup"
        }) {
      assertThat(json).containsPattern("\"" + workload + "\": \\{\"unit\": \"[^\"]+\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"(lower|higher)\", \"speedup\": [0-9.]+");
    }
  }

  /** race --json prints the three runs in the shape; locked and atomic are exact. */
  @Test
  void race_json_hasThreeExactOrLossyRuns() {
    CliRun r = run("race", "--json", "--n", "100000");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    assertThat(json).matches("\\{\"unlocked\": \\{\"final\": [0-9]+, \"expected\": 200000, \"per_second\": [0-9]+}, "
        + "\"locked\": \\{\"final\": 200000, \"expected\": 200000, \"per_second\": [0-9]+}, "
        + "\"atomic\": \\{\"final\": 200000, \"expected\": 200000, \"per_second\": [0-9]+}}");
  }

  /** bench shared --json prints the three counter workloads against Python's Value('i') (small sizes). */
  @Test
  void benchShared_json_hasEveryWorkload() {
    System.setProperty("multiproc.home", Path.of("..").toAbsolutePath().normalize().toString());
    CliRun r = run("bench", "shared", "--json", "--n", "100000", "--python-n", "20000");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    for (String workload : new String[] {"counter_unlocked", "counter_locked", "counter_atomic"}) {
      assertThat(json).containsPattern("\"" + workload + "\": \\{\"unit\": \"increments/s\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"higher\", \"speedup\": [0-9.]+");
    }
    assertThat(json).contains("\"python_final\": 40000, \"python_expected\": 40000, \"python_code\": \"with v.get_lock(): v.value += 1\"");
  }

  /** bench queue --json prints queue throughput and pipe latency against Python's Queue and Pipe (small sizes). */
  @Test
  void benchQueue_json_hasBothWorkloads() {
    System.setProperty("multiproc.home", Path.of("..").toAbsolutePath().normalize().toString());
    CliRun r = run("bench", "queue", "--json", "--items", "20000", "--round-trips", "200");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String json = r.out().strip();
    assertThat(json).containsPattern("\"queue_throughput\": \\{\"unit\": \"messages/s\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"higher\", \"speedup\": [0-9.]+");
    assertThat(json).containsPattern("\"pipe_latency_p50\": \\{\"unit\": \"us\", \"multiproc\": [0-9.]+, \"python\": [0-9.]+, \"better\": \"lower\", \"speedup\": [0-9.]+");
  }
}
