package dev.multiproc.cli;

import dev.multiproc.Pool;
import dev.multiproc.WorkerCrashedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc chaos}: a pool runs many tiny tasks while a chaos thread kills random workers
 * with SIGKILL, SIGTERM or SIGSTOP, then checks by the results — not by counters — that nothing was
 * lost or duplicated: with retries every task id must come back exactly once; without, every task
 * must end with its result or a crash exception, none may hang.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Runs N tiny tasks on a pool while killing random workers (SIGKILL, SIGTERM, SIGSTOP) K times,",
      "then checks from the results that no task was lost or duplicated and that the pool is whole again.",
      "With --python, also measures what Python's Pool and ProcessPoolExecutor do in the same scenario,",
      "and in the other fault situations of docs/reliability.md (bench/python/chaos.py, faults.py)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing lost or duplicated, pool restored", "1:a task was lost or duplicated, or the pool was not restored", "2:invalid usage"})
final class ChaosCommand implements Callable<Integer> {

  @Option(names = "--tasks", paramLabel = "N", description = "Tasks to run (default: ${DEFAULT-VALUE}).")
  int tasks = 100_000;

  @Option(names = "--kills", paramLabel = "K", description = "Workers to kill (default: ${DEFAULT-VALUE}).")
  int kills = 100;

  @Option(names = "--workers", paramLabel = "N", description = "Pool size (default: ${DEFAULT-VALUE}).")
  int workers = 2;

  @Option(names = "--retries", paramLabel = "N", description = "Pool retries; 0 checks the crash exceptions instead (default: ${DEFAULT-VALUE}).")
  int retries = 20;

  @Option(names = "--task-micros", paramLabel = "US", description = "CPU time of each task (default: ${DEFAULT-VALUE}).")
  int taskMicros = 100;

  @Option(names = "--kill-interval-ms", paramLabel = "MS", description = "Pause between kills (default: ${DEFAULT-VALUE}).")
  int killIntervalMillis = 50;

  @Option(names = "--signals", paramLabel = "SIG", split = ",", description = "Signals to send, chosen at random (default: ${DEFAULT-VALUE}).")
  List<String> signals = List.of("KILL", "TERM", "STOP");

  @Option(names = "--chunksize", paramLabel = "N", description = "Tasks per chunk with retries (default: ${DEFAULT-VALUE}).")
  int chunksize = 10;

  @Option(names = "--seed", paramLabel = "S", description = "Seed for the choice of victims and signals (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--python", description = "Also run the same scenario on Python's multiprocessing.Pool and ProcessPoolExecutor (bench/python/chaos.py) and show what happens there.")
  boolean python;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The task: burn about {@code micros} of CPU, then return the id, so results prove which tasks ran. */
  static long task(long id, int micros) {
    long end = System.nanoTime() + micros * 1_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return id;
  }

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || chunksize < 1 || kills < 0 || workers < 1 || retries < 0 || taskMicros < 0 || killIntervalMillis < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tasks, --workers, --kill-interval-ms must be >= 1; --kills, --retries, --task-micros >= 0");
    }
    long started = System.nanoTime();
    int micros = taskMicros;
    int[] seen = new int[tasks];
    long failed = 0;
    long lost = 0;
    AtomicInteger killed = new AtomicInteger();
    try (Pool pool = Pool.builder().processes(workers).retries(retries).heartbeatTimeout(Duration.ofSeconds(1)).name("chaos").build()) {
      Thread chaos = Thread.ofPlatform().name("chaos").start(() -> killRandomWorkers(pool, killed));
      if (retries > 0) {
        // Small fixed chunks: an adaptive chunk of seconds would be killed at every attempt by a
        // chaos thread that kills every few dozen milliseconds, and rightly end as a poison task.
        Iterator<Long> results = pool.imap((Long id) -> task(id, micros), () -> LongStream.range(0, tasks).boxed().iterator(), chunksize);
        while (results.hasNext()) {
          seen[(int) (long) results.next()]++;
        }
      } else {
        List<CompletableFuture<Long>> futures = new ArrayList<>(tasks);
        for (long id = 0; id < tasks; id++) {
          long n = id;
          futures.add(pool.applyAsync(() -> task(n, micros)));
        }
        for (CompletableFuture<Long> future : futures) {
          try {
            seen[(int) (long) future.get(5, TimeUnit.MINUTES)]++;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof WorkerCrashedException) {
              failed++;
            } else {
              throw e;
            }
          } catch (TimeoutException e) {
            lost++; // no outcome: a hang
          }
        }
      }
      chaos.interrupt();
      chaos.join();
      boolean restored = waitForSize(pool, workers);
      long duplicated = 0;
      long completed = 0;
      for (int count : seen) {
        completed += count > 0 ? 1 : 0;
        duplicated += Math.max(0, count - 1);
      }
      if (retries > 0) {
        lost = tasks - completed;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      String pythonOutcome = python ? pythonScenario() : null;
      if (json) {
        System.out.printf(Locale.ROOT,
            "{\"tasks\": %d, \"completed\": %d, \"failed\": %d, \"lost\": %d, \"duplicated\": %d, \"kills\": %d, \"seconds\": %.2f, \"pool_restored\": %b%s}%n",
            tasks, completed, failed, lost, duplicated, killed.get(), seconds, restored,
            pythonOutcome == null ? "" : ", \"python\": " + pythonOutcome);
      } else {
        System.out.printf(Locale.ROOT,
            "%,d tasks: %,d completed, %,d failed with a crash exception, %,d lost, %,d duplicated; %d workers killed; %.1f s; pool %s%n",
            tasks, completed, failed, lost, duplicated, killed.get(), seconds, restored ? "restored" : "NOT restored");
        if (pythonOutcome != null) {
          System.out.println("Python, same scenario: " + pythonOutcome);
        }
      }
      return lost == 0 && duplicated == 0 && restored ? 0 : 1;
    }
  }

  /**
   * Runs bench/python/chaos.py with the same parameters, then bench/python/faults.py (Python's
   * behaviour in the other fault situations of docs/reliability.md); returns both JSON objects.
   */
  private String pythonScenario() throws java.io.IOException, InterruptedException {
    String chaos = runPython("chaos.py", "--tasks", Integer.toString(tasks), "--kills", Integer.toString(kills),
        "--kill-interval-ms", Integer.toString(killIntervalMillis), "--signals", String.join(",", signals), "--seed", Long.toString(seed));
    String faults = runPython("faults.py");
    return "{\"chaos\": " + chaos + ", \"faults\": " + faults + "}";
  }

  private static String runPython(String script, String... args) throws java.io.IOException, InterruptedException {
    Process process = PythonReference.start(script, ProcessBuilder.Redirect.DISCARD, args);
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    process.waitFor();
    return out.isEmpty() ? "null" : out;
  }

  private void killRandomWorkers(Pool pool, AtomicInteger killed) {
    SplittableRandom random = new SplittableRandom(seed);
    try {
      while (killed.get() < kills) {
        Thread.sleep(killIntervalMillis);
        List<Long> pids = pool.workerPids();
        if (pids.isEmpty()) {
          continue;
        }
        long victim = pids.get(random.nextInt(pids.size()));
        String signal = signals.get(random.nextInt(signals.size()));
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(victim)).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        if (kill.waitFor() == 0) {
          killed.incrementAndGet();
        }
      }
    } catch (InterruptedException e) {
      // the tasks are done
    } catch (java.io.IOException e) {
      System.err.println("multiproc chaos: cannot run kill: " + e.getMessage());
    }
  }

  private static boolean waitForSize(Pool pool, int workers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (pool.workerPids().size() == workers) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
