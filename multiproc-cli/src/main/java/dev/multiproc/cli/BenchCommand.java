package dev.multiproc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code multiproc bench GROUP}: end-to-end benchmarks side by side with Python. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "End-to-end benchmarks, each run side by side with its Python reference (bench/python) in the same run.",
      "Speedup > 1 means Multiproc is better."
    },
    subcommands = {ProcessBenchCommand.class, PoolBenchCommand.class, SharedBenchCommand.class, QueueBenchCommand.class, WordcountBenchCommand.class, ClusterBenchCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
