package dev.multiproc.mapreduce;

import dev.multiproc.Pool;
import dev.multiproc.function.SerializableBinaryOperator;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A MapReduce job (Python's "split, {@code pool.map}, {@code functools.reduce}"): an {@link Input}
 * that splits itself, a mapper that runs in worker processes over each split and pre-aggregates
 * there (the combiner), a hash-partitioned reduce that merges the partial answers in parallel, also
 * in the workers, and the answer assembled in the caller.
 *
 * <p><b>Guarantees.</b> Splits are read by the workers themselves ({@link TextInput} never passes
 * through the parent). Each split's records are counted exactly once in the answer: a split or
 * partition whose worker dies is run again on another worker (splits are deterministic), up to
 * {@link #maxAttempts} times, so a job survives the loss of a worker with the exact same answer.
 * A malformed record fails the job with a {@link MalformedInputException} that says where, unless
 * {@linkplain #skipMalformedRecords skipped}; any other mapper exception fails the job with the
 * pool's {@link dev.multiproc.TaskFailedException} (remote stack kept). A failing or interrupted
 * job cancels its remaining tasks. The pool's timeouts and crash handling apply to every task.
 *
 * <p>A {@code Job} is an immutable description: configure methods return a new job, and one job can
 * run many times, on any pool.
 *
 * <pre>{@code
 * try (Pool pool = Pool.create(4)) {
 *   CountTable words = Job.count(TextInput.files(path), (Line line, KeyCounter counts) -> {
 *         Fields f = line.split('\t');           // word, year, match_count, volume_count
 *         f.requireCount(4);
 *         counts.add(f, 0, f.parseLong(2));
 *       })
 *       .run(pool);
 *   words.top(10).forEach(System.out::println);
 * }
 * }</pre>
 *
 * @param <R> the answer type
 */
public final class Job<R> {
  private final Definition<?, ?, R> definition;
  private final int partitions;
  private final boolean skipMalformed;
  private final int maxAttempts;

  /** What the job computes: the input and how records become the answer. */
  record Definition<T, P, R>(Input<T> input, Aggregation<T, P, R> aggregation) {}

  private Job(Definition<?, ?, R> definition, int partitions, boolean skipMalformed, int maxAttempts) {
    this.definition = definition;
    this.partitions = partitions;
    this.skipMalformed = skipMalformed;
    this.maxAttempts = maxAttempts;
  }

  /**
   * A counting job: the mapper adds {@code long} amounts to keys; the answer is the sum per key.
   * The hot path neither boxes nor makes a {@code String} per record.
   *
   * @param input the input
   * @param mapper adds counts for each record
   * @param <T> the record type
   * @return the job
   */
  public static <T> Job<CountTable> count(Input<T> input, CountingMapper<T> mapper) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(mapper, "mapper");
    return new Job<>(new Definition<>(input, new CountingAggregation<>(mapper)), 0, false, 3);
  }

  /**
   * A general job: the mapper emits key-value pairs, and values of equal keys are combined with an
   * associative, commutative {@code reducer} — in each map task, in the reduce tasks and in the
   * caller. Keys and values must be serializable; values must not be null.
   *
   * @param input the input
   * @param mapper emits pairs for each record
   * @param reducer combines two values of one key
   * @param <T> the record type
   * @param <K> the key type
   * @param <V> the value type
   * @return the job; its answer is a mutable map the caller owns
   */
  public static <T, K, V> Job<Map<K, V>> reduceByKey(
      Input<T> input, Mapper<T, K, V> mapper, SerializableBinaryOperator<V> reducer) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(reducer, "reducer");
    Definition<T, ?, Map<K, V>> definition = widen(new Definition<>(input, new KeyedAggregation<>(mapper, reducer)));
    return new Job<>(definition, 0, false, 3);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T, P, M extends Map<K, V>, K, V> Definition<T, P, Map<K, V>> widen(Definition<T, P, M> definition) {
    return (Definition) definition; // HashMap<K, V> is the Map<K, V> the caller sees
  }

  /**
   * Sets how many hash partitions the reduce has: the number of reduce tasks. By default, four per
   * pool worker: each reduce table is smaller (kinder to the CPU caches), and one partition's pieces
   * travel to a worker while another's are merged (measured: a 335 MB word count's reduce went from
   * ~300 to ~250 ms against one per worker).
   *
   * @param count at least 1
   * @return a new job
   */
  public Job<R> partitions(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + count);
    }
    return new Job<>(definition, count, skipMalformed, maxAttempts);
  }

  /**
   * Sets whether records the mapper rejects with {@link MalformedRecordException} are counted and
   * skipped ({@link JobStats#malformedRecords()}) instead of failing the job. Default: false.
   *
   * @param skip whether to skip
   * @return a new job
   */
  public Job<R> skipMalformedRecords(boolean skip) {
    return new Job<>(definition, partitions, skip, maxAttempts);
  }

  /**
   * Sets how many times a task runs at most when its worker keeps dying (killed, crashed, out of
   * memory). Default: 3. Task exceptions and timeouts are never retried.
   *
   * @param attempts at least 1
   * @return a new job
   */
  public Job<R> maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + attempts);
    }
    return new Job<>(definition, partitions, skipMalformed, attempts);
  }

  /**
   * Runs the job on a pool and returns the answer.
   *
   * @param pool the pool whose workers run the tasks (it stays open)
   * @return the answer
   * @throws IOException if the input cannot be opened (a missing file, say)
   * @throws InterruptedException if interrupted; the job's tasks are cancelled
   * @throws MalformedInputException if a record is malformed and not skipped
   * @throws dev.multiproc.MultiprocException if a task fails, or its worker died too often
   */
  public R run(Pool pool) throws IOException, InterruptedException {
    return execute(pool, JobListener.NONE).value();
  }

  /**
   * Runs the job on a pool, reporting to a listener, and returns the answer with the run's figures.
   *
   * @param pool the pool whose workers run the tasks (it stays open)
   * @param listener hears progress and retries
   * @return the answer and figures
   * @throws IOException if the input cannot be opened (a missing file, say)
   * @throws InterruptedException if interrupted; the job's tasks are cancelled
   * @throws MalformedInputException if a record is malformed and not skipped
   * @throws dev.multiproc.MultiprocException if a task fails, or its worker died too often
   */
  public JobResult<R> execute(Pool pool, JobListener listener) throws IOException, InterruptedException {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(listener, "listener");
    int partitionCount = partitions > 0 ? partitions : 4 * pool.processes();
    return new JobRunner<>(definition, pool, partitionCount, skipMalformed, maxAttempts, listener).run();
  }
}
