package dev.multiproc.cli;

import dev.multiproc.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Starts a local word count's worker JVMs while picocli is still parsing the command line. A
 * worker takes ~0.1 s to start and a cold picocli parse ~50-80 ms: done one after the other they
 * were both on every run's clock, done together only the longer one is.
 *
 * <p>It reads only what the pool depends on - {@code --workers N} and {@code --worker-jvm-option
 * X}, in their plain forms - and stays out of runs it cannot read for sure ({@code --cluster},
 * help, version). {@link WordcountCommand} then takes the pool only if picocli's parse gives the
 * same worker count and options; otherwise the early pool is terminated and the command builds
 * its own, so a misread costs time, never a wrong pool. A pool nobody took (a usage error, say)
 * is terminated by {@link #discard()} before the JVM exits.
 *
 * <p>Thread-safe: one early pool per JVM, handed out at most once.
 */
final class WorkerPrestart {
  private record Early(int workers, List<String> options, CompletableFuture<Pool> pool) {}

  private static volatile Early early;

  private WorkerPrestart() {}

  /**
   * Starts the pool for these word-count arguments, in the background, if they can be read.
   *
   * @param args the arguments after {@code wordcount}
   */
  static void begin(String[] args) {
    int workers = Runtime.getRuntime().availableProcessors();
    List<String> userOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (arg.equals("--")) {
        break; // only FILEs follow
      } else if (arg.equals("--cluster") || arg.startsWith("--cluster=") || arg.equals("--help") || arg.equals("--version")
          || arg.startsWith("@") || (arg.startsWith("-") && !arg.startsWith("--"))) {
        return; // a cluster run, help, an argument file or grouped short options: not read for sure here
      } else if (arg.equals("--workers") || arg.startsWith("--workers=")) {
        String number = arg.equals("--workers") ? value : arg.substring("--workers=".length());
        try {
          workers = Integer.parseInt(number);
        } catch (NumberFormatException | NullPointerException e) {
          return; // picocli will report it
        }
        if (workers < 1) {
          return;
        }
        i += arg.equals("--workers") ? 1 : 0;
      } else if (arg.equals("--worker-jvm-option") || arg.startsWith("--worker-jvm-option=")) {
        String option = arg.equals("--worker-jvm-option") ? value : arg.substring("--worker-jvm-option=".length());
        if (option == null) {
          return;
        }
        userOptions.add(option);
        i += arg.equals("--worker-jvm-option") ? 1 : 0;
      }
    }
    int count = workers;
    List<String> options = WordcountCommand.workerOptions(userOptions);
    CompletableFuture<Pool> pool = new CompletableFuture<>();
    early = new Early(count, options, pool);
    Thread.ofPlatform().name("multiproc-worker-prestart").daemon().start(() -> {
      try {
        pool.complete(Pool.builder().processes(count).name("wordcount").jvmOptions(options.toArray(String[]::new)).build());
      } catch (RuntimeException | Error e) {
        pool.completeExceptionally(e);
      }
    });
  }

  /**
   * The early pool, if it was started with exactly these workers and options; null otherwise (an
   * early pool that does not match is terminated).
   *
   * @param workers the parsed worker count
   * @param options the workers' JVM options as the command builds them
   * @return the pool, or null
   */
  static Pool take(int workers, List<String> options) throws InterruptedException {
    Early started = early;
    early = null;
    if (started == null) {
      return null;
    }
    Pool pool;
    try {
      pool = started.pool().get();
    } catch (ExecutionException e) {
      return null; // the command builds its own and reports whatever goes wrong then
    } catch (InterruptedException e) {
      started.pool().thenAccept(Pool::terminate);
      throw e;
    }
    if (started.workers() == workers && started.options().equals(options)) {
      return pool;
    }
    pool.terminate();
    return null;
  }

  /** The early pool, still waiting to be taken, or null; for tests. */
  static Pool peek() throws InterruptedException, ExecutionException {
    Early started = early;
    return started == null ? null : started.pool().get();
  }

  /** Terminates an early pool nobody took. */
  static void discard() {
    Early started = early;
    early = null;
    if (started != null) {
      try {
        // Waited for (briefly): the JVM is about to exit, and a pool still being built would be
        // left to its workers' own parent-death watch.
        started.pool().get(5, java.util.concurrent.TimeUnit.SECONDS).terminate();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        started.pool().thenAccept(Pool::terminate);
      }
    }
  }
}
