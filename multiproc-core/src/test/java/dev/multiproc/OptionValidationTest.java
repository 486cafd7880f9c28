package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.mapreduce.Input;
import dev.multiproc.mapreduce.Job;
import dev.multiproc.mapreduce.KeyCounter;
import dev.multiproc.mapreduce.TextInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** An invalid option value fails at once, with a message that names the option and the value. */
class OptionValidationTest {
  private static void rejected(Executable option, String message) {
    assertThatThrownBy(option::execute).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void poolOptions() {
    rejected(() -> Pool.builder().processes(0), "processes must be >= 1, got 0");
    rejected(() -> Pool.builder().processes(-3), "processes must be >= 1, got -3");
    rejected(() -> Pool.builder().maxTasksPerChild(0), "maxTasksPerChild must be >= 1");
    rejected(() -> Pool.builder().concurrencyPerWorker(0), "concurrencyPerWorker must be >= 1");
    rejected(() -> Pool.builder().retries(-1), "retries must be >= 0");
    rejected(() -> Pool.builder().taskTimeout(Duration.ZERO), "taskTimeout must be positive");
    rejected(() -> Pool.builder().taskTimeout(Duration.ofSeconds(-1)), "taskTimeout must be positive");
    rejected(() -> Pool.builder().heartbeatTimeout(Duration.ofMillis(5)), "heartbeatTimeout must be >= 100 ms");
    rejected(() -> Pool.builder().jvmOptions(" "), "JVM options must not be blank");
  }

  @Test
  void jobOptions() {
    Job<?> job = Job.count(Input.of(List.of(1), 1), (Integer n, KeyCounter counts) -> counts.add("n", n));
    rejected(() -> job.partitions(0), "partitions must be >= 1");
    rejected(() -> job.maxAttempts(0), "maxAttempts must be >= 1");
    rejected(() -> Input.of(List.of(1), 0), "chunkSize must be >= 1");
    rejected(() -> TextInput.files(Path.of("x")).splitSize(0), "splitSize must be >= 1");
    rejected(() -> TextInput.files(List.of()), "no input files given");
  }
}
