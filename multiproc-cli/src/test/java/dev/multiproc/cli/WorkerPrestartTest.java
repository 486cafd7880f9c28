package dev.multiproc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.Pool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The word count's early workers: handed out only when picocli's parse agrees with what was read
 * before it, terminated otherwise, never started for runs it cannot read for sure.
 */
@Timeout(60)
class WorkerPrestartTest {
  @AfterEach
  void nothingLeft() {
    WorkerPrestart.discard();
  }

  @Test
  void matchingParse_getsTheEarlyPool_whichWorks() throws Exception {
    WorkerPrestart.begin(new String[] {"--top", "3", "--workers", "1", "--worker-jvm-option=-Xmx256m", "a.tsv"});
    Pool pool = WorkerPrestart.take(1, WordcountCommand.workerOptions(List.of("-Xmx256m")));
    assertThat(pool).isNotNull();
    try (pool) {
      assertThat(pool.processes()).isEqualTo(1);
      assertThat(pool.apply(() -> 6 * 7)).isEqualTo(42);
    }
    assertThat(WorkerPrestart.take(1, WordcountCommand.workerOptions(List.of("-Xmx256m")))).as("handed out once").isNull();
  }

  @Test
  void differentParse_terminatesTheEarlyPool() throws Exception {
    for (String[] args : List.of(new String[] {"--workers=1", "a.tsv"}, new String[] {"--workers", "1", "a.tsv"})) {
      WorkerPrestart.begin(args);
      Pool early = WorkerPrestart.peek();
      assertThat(early.apply(() -> 1)).isEqualTo(1); // its worker is up
      List<Long> pids = early.workerPids();
      assertThat(pids).hasSize(1);
      boolean sameWorkers = args[0].equals("--workers");
      // a different worker count, then different options: either way not this pool
      assertThat(WorkerPrestart.take(sameWorkers ? 1 : 2, WordcountCommand.workerOptions(sameWorkers ? List.of("-Xmx256m") : List.of())))
          .isNull();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (pids.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pids).as("early workers left running").noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  @Test
  void runsItCannotReadForSure_startNothing() throws Exception {
    for (String[] args : List.of(
        new String[] {"--cluster", "h:5701", "a.tsv"},
        new String[] {"--help"},
        new String[] {"-hV"},
        new String[] {"@args.txt"},
        new String[] {"--workers", "0"},
        new String[] {"--workers", "many"},
        new String[] {"--worker-jvm-option"})) {
      WorkerPrestart.begin(args);
      assertThat(WorkerPrestart.take(Runtime.getRuntime().availableProcessors(), WordcountCommand.workerOptions(List.of()))).isNull();
    }
  }
}
