package dev.multiproc.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every example runs and prints what it promises. */
@Timeout(120)
class ExamplesTest {
  interface Main {
    void run() throws Exception;
  }

  private static String output(Main main) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** ProcessBasics: a result from a child and Python's exit codes. */
  @Test
  void processBasics() throws Exception {
    assertThat(output(() -> ProcessBasics.main(new String[0])))
        .contains("hello bob from pid")
        .contains("(exit code 0)")
        .contains("terminated sleeper exit code -15");
  }

  /** ApplyVsApplyAsync: blocking and non-blocking results. */
  @Test
  void applyVsApplyAsync() throws Exception {
    assertThat(output(() -> ApplyVsApplyAsync.main(new String[0])))
        .contains("apply: 49")
        .contains("applyAsync: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]")
        .contains("map: [1, 4, 9, 16]");
  }

  /** ExecutorAsCompleted: completion order, then map in input order. */
  @Test
  void executorAsCompleted() throws Exception {
    assertThat(output(() -> ExecutorAsCompleted.main(new String[0])))
        .contains("as completed: [100, 350, 600]")
        .contains("map: [0, 1, 4, 9, 16]");
  }

  /** RunInExecutor: gather and wait_for equivalents. */
  @Test
  void runInExecutor() throws Exception {
    assertThat(output(() -> RunInExecutor.main(new String[0]))).contains("gather: " + (75025 + 121393) + ", wait_for: 196418");
  }

  /** ProcessesTimesVirtualThreads: all 500 concurrent requests answered. */
  @Test
  void processesTimesVirtualThreads() throws Exception {
    assertThat(output(() -> ProcessesTimesVirtualThreads.main(new String[0]))).contains("500 responses in");
  }

  /** PerYearTotals: every year has 1 + 2 + 3 matches; each decade 60, the 2010s come first by key order. */
  @Test
  void perYearTotals() throws Exception {
    assertThat(output(() -> PerYearTotals.main(new String[0])))
        .contains("matches per year: {1990=6, 1991=6,")
        .contains("2019=6}")
        .contains("busiest decade: KeyCount[key=1990s, count=60]");
  }

  /** SharedDataAndLock: a child writes a shared double and array; the locked count is exact. */
  @Test
  void sharedDataAndLock() throws Exception {
    assertThat(output(() -> SharedDataAndLock.main(new String[0])))
        .contains("3.1415927 [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]")
        .contains("without the lock: ")
        .contains("with the lock: 10,000,000 of 10,000,000");
  }

  /** QueuesAndPipes: an object through a queue and a pipe; 20 tasks through two worker processes. */
  @Test
  void queuesAndPipes() throws Exception {
    assertThat(output(() -> QueuesAndPipes.main(new String[0])))
        .contains("from a queue: [42, null, hello]")
        .contains("from a pipe: [42, null, hello]")
        .contains("results, sorted: [0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 105, 112, 119, 126, 133]");
  }
}
