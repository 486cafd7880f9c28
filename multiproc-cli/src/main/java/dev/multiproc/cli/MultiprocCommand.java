package dev.multiproc.cli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code multiproc} command. Exit codes: 0 success, 1 the job failed, 2 bad usage, 3 a
 * required external tool (e.g. {@code python3} for benchmarks) is missing.
 */
@Command(
    name = "multiproc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Python's multiprocessing model for Java 25: child JVMs, pools, shared memory, MapReduce.",
    subcommands = {
      WordcountCommand.class,
      MemberCommand.class,
      GenNgramsCommand.class,
      ChaosCommand.class,
      DemoCommand.class,
      RaceCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the job or benchmark failed",
      "2:invalid command-line usage",
      "3:a required external tool (python3) is missing"
    })
public final class MultiprocCommand implements Runnable {
  /** Exit code when an external tool the command needs is missing. */
  static final int EXIT_MISSING_TOOL = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Runs the command.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("wordcount")) {
      WorkerPrestart.begin(Arrays.copyOfRange(args, 1, args.length)); // workers start while picocli parses
    }
    CommandLine commandLine = args.length > 0 && args[0].equals("wordcount")
        // The main job's start-up is on the user's clock: picocli reflects over every command of a
        // tree it is given (~150 ms for ours), so give it only the one being run. Usage and errors
        // read exactly as through the whole tree.
        ? new CommandLine(new WordcountCommand()).setCommandName("multiproc wordcount")
        : new CommandLine(new MultiprocCommand());
    String[] arguments = commandLine.getCommand() instanceof MultiprocCommand ? args : Arrays.copyOfRange(args, 1, args.length);
    int code = commandLine.setExecutionExceptionHandler(MultiprocCommand::onError).execute(arguments);
    WorkerPrestart.discard();
    System.exit(code);
  }

  private static int onError(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    commandLine.getErr().println("multiproc: " + e.getMessage());
    if (Boolean.getBoolean("multiproc.debug")) {
      e.printStackTrace(commandLine.getErr());
    }
    return e instanceof MissingToolException ? EXIT_MISSING_TOOL : 1;
  }
}
