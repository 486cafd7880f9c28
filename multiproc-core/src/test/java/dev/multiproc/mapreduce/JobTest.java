package dev.multiproc.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.Pool;
import dev.multiproc.TaskFailedException;
import dev.multiproc.testing.NoStrayChildren;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** MapReduce jobs on real worker JVMs, checked against straightforward single-threaded answers. */
@ExtendWith(NoStrayChildren.class)
@Timeout(120)
class JobTest {
  @TempDir Path dir;

  /** Word count of 1-gram lines: word TAB year TAB match_count TAB volume_count. */
  static final CountingMapper<Line> MATCHES_PER_WORD = (line, counts) -> {
    Fields f = line.split('\t');
    f.requireCount(4);
    counts.add(f, 0, f.parseLong(2));
  };

  static String ngrams(SplittableRandom random, int words, boolean crlf) {
    String[] vocabulary = {"a", "the", "Amsterdam_NOUN", "über", "日本", "café", "x", "naïve", "of", "zebra"};
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < words; w++) {
      String word = vocabulary[random.nextInt(vocabulary.length)] + (random.nextInt(4) == 0 ? "" : Integer.toString(random.nextInt(300)));
      int years = random.nextInt(1, 30);
      for (int y = 0; y < years; y++) {
        text.append(word).append('\t').append(1800 + y).append('\t').append(random.nextLong(1, 1_000_000))
            .append('\t').append(random.nextInt(1, 50)).append(crlf && random.nextBoolean() ? "\r\n" : "\n");
      }
    }
    return text.toString();
  }

  static Map<String, Long> reference(List<Path> files) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = line.split("\t");
        counts.merge(fields[0], Long.parseLong(fields[2]), Long::sum);
      }
    }
    return counts;
  }

  List<Path> files(int count, int words) throws Exception {
    SplittableRandom random = new SplittableRandom(count * 31L + words);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve("1gram-" + i + ".tsv");
      String text = ngrams(random, words, i % 2 == 1);
      // The last file has no trailing newline.
      Files.writeString(file, i == count - 1 ? text.stripTrailing() : text, StandardCharsets.UTF_8);
      files.add(file);
    }
    files.add(Files.createFile(dir.resolve("empty.tsv")));
    return files;
  }

  @Test
  void count_equalsTheReference_withOneAndFourWorkers() throws Exception {
    List<Path> files = files(3, 3000);
    Map<String, Long> expected = reference(files);
    for (int workers : new int[] {1, 4}) {
      try (Pool pool = Pool.create(workers)) {
        JobResult<CountTable> result = Job.count(TextInput.files(files).splitSize(7919), MATCHES_PER_WORD).execute(pool, JobListener.NONE);
        CountTable counts = result.value();
        assertThat(counts.toMap()).as("%d workers", workers).isEqualTo(expected);
        assertThat(counts.distinct()).isEqualTo(expected.size());
        assertThat(counts.total()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
        String some = expected.keySet().iterator().next();
        assertThat(counts.get(some)).isEqualTo(expected.get(some));
        assertThat(counts.get("never-seen")).isZero();
        List<KeyCount> top = expected.entrySet().stream()
            .map(e -> new KeyCount(e.getKey(), e.getValue()))
            .sorted(Comparator.comparingLong(KeyCount::count).reversed().thenComparing(KeyCount::key))
            .limit(7)
            .toList();
        assertThat(counts.top(7)).isEqualTo(top);
        assertThat(result.stats().splits()).isGreaterThan(10);
        assertThat(result.stats().records()).isEqualTo(files.stream().mapToLong(JobTest::lines).sum());
      }
    }
  }

  static long lines(Path file) {
    try {
      return Files.readAllLines(file).size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void reduceByKey_overItems_withPartitions_andProgress() throws Exception {
    List<String> words = IntStream.range(0, 20_000).mapToObj(i -> "w" + (i * 7919 % 1000)).toList();
    Map<Integer, Long> expected = new HashMap<>();
    words.forEach(w -> expected.merge(w.length(), (long) w.hashCode(), Long::sum));
    List<Long> progress = new ArrayList<>();
    try (Pool pool = Pool.create(2)) {
      Mapper<String, Integer, Long> mapper = (word, emit) -> emit.accept(word.length(), (long) word.hashCode());
      JobResult<Map<Integer, Long>> result = Job.reduceByKey(Input.of(words, 500), mapper, Long::sum)
          .partitions(3)
          .execute(pool, new JobListener() {
            @Override
            public void onProgress(long done, long total) {
              assertThat(total).isEqualTo(20_000);
              progress.add(done);
            }
          });
      assertThat(result.value()).isEqualTo(expected);
      assertThat(progress).hasSize(40).isSorted().endsWith(20_000L);
    }
  }

  @Test
  void lazyInput_isNeverMaterialized() throws Exception {
    // An input far larger than what the job may hold at once: only a window of chunks is in flight.
    Iterable<Long> numbers = () -> LongStream.range(0, 2_000_000).iterator();
    try (Pool pool = Pool.create(2)) {
      Map<Boolean, Long> sums = Job.reduceByKey(Input.of(numbers, 50_000), (Long n, java.util.function.BiConsumer<Boolean, Long> emit) -> emit.accept(n % 2 == 0, n), Long::sum)
          .run(pool);
      assertThat(sums).containsEntry(true, 999_999_000_000L).containsEntry(false, 1_000_000_000_000L);
    }
  }

  @Test
  void malformedLine_failsWithFileAndLine_orIsSkipped() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.tsv"), "a\t1\t2\t3\nb\t1\tmany\t3\nc\t1\t5\t3\nd\t1\t7\n");
    try (Pool pool = Pool.create(1)) {
      Job<CountTable> job = Job.count(TextInput.files(file), MATCHES_PER_WORD);
      assertThatThrownBy(() -> job.run(pool))
          .isInstanceOf(MalformedInputException.class)
          .hasMessageContaining(file + ":2")
          .hasMessageContaining("field 3 is not a number: \"many\"")
          .hasMessageContaining("b\t1\tmany\t3")
          .satisfies(e -> assertThat(((MalformedInputException) e).location()).isEqualTo(file + ":2"));

      JobResult<CountTable> skipped = job.skipMalformedRecords(true).execute(pool, JobListener.NONE);
      assertThat(skipped.value().toMap()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "c", 5L));
      assertThat(skipped.stats().malformedRecords()).isEqualTo(2);
      assertThat(skipped.stats().malformedSamples())
          .containsExactly(file + ":2: field 3 is not a number: \"many\"", file + ":4: expected 4 fields, found 3");
    }
  }

  @Test
  void missingFile_failsBeforeAnyWork() throws Exception {
    try (Pool pool = Pool.create(1)) {
      Job<CountTable> job = Job.count(TextInput.files(dir.resolve("nope.tsv")), MATCHES_PER_WORD);
      assertThatThrownBy(() -> job.run(pool)).isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.tsv");
    }
  }

  @Test
  void mapperException_failsTheJob_withTheRemoteStack() throws Exception {
    try (Pool pool = Pool.create(1)) {
      Job<CountTable> job = Job.count(Input.of(List.of(1, 2, 3), 1), (Integer n, KeyCounter counts) -> {
        if (n == 2) {
          throw new IllegalStateException("two is not allowed");
        }
        counts.add("n", n);
      });
      assertThatThrownBy(() -> job.run(pool))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("two is not allowed");
    }
  }

  static long slowIdentity(long n) throws InterruptedException {
    Thread.sleep(10);
    return n;
  }

  /** kill -9 of a worker in the middle of a job: its split runs again elsewhere; the answer is exact. */
  @Test
  void workerKilledMidJob_sameAnswer() throws Exception {
    List<Long> numbers = LongStream.range(0, 400).boxed().toList();
    try (Pool pool = Pool.create(2)) {
      List<String> retries = new ArrayList<>();
      JobResult<CountTable> result = Job.count(Input.of(numbers, 10), (Long n, KeyCounter counts) -> counts.add("k" + n % 7, slowIdentity(n)))
          .execute(pool, new JobListener() {
            boolean killed;

            @Override
            public void onProgress(long done, long total) {
              if (!killed) {
                killed = true;
                ProcessHandle.of(pool.workerPids().getFirst()).orElseThrow().destroyForcibly();
              }
            }

            @Override
            public void onRetry(String task, Throwable cause) {
              retries.add(task);
            }
          });
      Map<String, Long> expected = new HashMap<>();
      numbers.forEach(n -> expected.merge("k" + n % 7, n, Long::sum));
      assertThat(result.value().toMap()).isEqualTo(expected);
      assertThat(result.stats().retriedTasks()).isGreaterThanOrEqualTo(1).isEqualTo(retries.size());
      assertThat(pool.workerPids()).hasSize(2);
    }
  }
}
