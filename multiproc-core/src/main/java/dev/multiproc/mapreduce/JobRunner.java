package dev.multiproc.mapreduce;

import dev.multiproc.Pool;
import dev.multiproc.TaskFailedException;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerCrashedException;
import dev.multiproc.function.SerializableCallable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs one {@link Job} on a {@link Pool}: submits map tasks for the splits, a bounded window at a
 * time (so a lazy input is never materialized), gathers the partition pieces, runs one reduce task
 * per partition that has more than one piece (or any, if the aggregation's pieces need it), and
 * finishes in the calling thread. A task whose
 * worker died is submitted again; any other failure cancels every task of the job and is thrown.
 *
 * <p>Completions arrive on pool threads and are handed to the calling thread through a queue, so
 * all the job's state is confined to the calling thread.
 */
final class JobRunner<T, P, R> {
  private static final int TASKS_IN_FLIGHT_PER_WORKER = 4;

  private final Input<T> input;
  private final Aggregation<T, P, R> aggregation;
  private final Pool pool;
  private final int partitions;
  private final boolean skipMalformed;
  private final int maxAttempts;
  private final JobListener listener;
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private int retried;

  /** One submission of a task: what it is, which attempt, and where its answer goes. */
  private record Attempt(SerializableCallable<?> task, String description, int number, long weight, int partition) {}

  private record Completion(Attempt attempt, Object value, Throwable failure) {}

  JobRunner(
      Job.Definition<T, P, R> definition,
      Pool pool,
      int partitions,
      boolean skipMalformed,
      int maxAttempts,
      JobListener listener) {
    this.input = definition.input();
    this.aggregation = definition.aggregation();
    this.pool = pool;
    this.partitions = partitions;
    this.skipMalformed = skipMalformed;
    this.maxAttempts = maxAttempts;
    this.listener = listener;
  }

  JobResult<R> run() throws IOException, InterruptedException {
    long started = System.nanoTime();
    long total = input.weight();
    Iterator<? extends Split<T>> splits = input.splits(pool.processes());
    List<List<P>> pieces = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      pieces.add(new ArrayList<>());
    }
    long splitCount = 0;
    long records = 0;
    long malformed = 0;
    List<String> samples = new ArrayList<>();
    try {
      int window = pool.processes() * TASKS_IN_FLIGHT_PER_WORKER;
      int running = 0;
      long done = 0;
      while (running > 0 || splits.hasNext()) {
        while (running < window && splits.hasNext()) {
          Split<T> split = splits.next();
          submit(new Attempt(MapTask.of(aggregation, split, partitions, skipMalformed), split.toString(), 1, split.weight(), -1));
          running++;
          splitCount++;
        }
        Completion completion = next();
        if (completion == null) {
          continue; // resubmitted after a worker death
        }
        running--;
        MapTask.Output<P> output = MapTask.Output.fromWire((List<?>) completion.value());
        for (int p = 0; p < partitions; p++) {
          pieces.get(p).add(output.partitions().get(p));
        }
        records += output.records();
        malformed += output.malformed();
        for (String sample : output.samples()) {
          if (samples.size() < RecordGuard.SAMPLES) {
            samples.add(sample);
          }
        }
        done += completion.attempt().weight();
        listener.onProgress(done, total);
      }

      List<P> reduced = new ArrayList<>(partitions);
      int reducing = 0;
      for (int p = 0; p < partitions; p++) {
        List<P> partition = pieces.get(p);
        if (partition.size() == 1 && !aggregation.reducesLonePieces()) {
          reduced.add(partition.getFirst());
        } else if (partition.isEmpty()) {
          reduced.add(aggregation.reduce(List.of()));
        } else {
          reduced.add(null);
          submit(new Attempt(ReduceTask.of(aggregation, partition), "reduce of partition " + p, 1, 0, p));
          reducing++;
        }
        pieces.set(p, null); // let the pieces go once shipped
      }
      while (reducing > 0) {
        Completion completion = next();
        if (completion != null) {
          @SuppressWarnings("unchecked")
          P value = (P) completion.value();
          reduced.set(completion.attempt().partition(), value);
          reducing--;
        }
      }
      R answer = aggregation.finish(reduced);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      return new JobResult<>(answer, new JobStats(splitCount, records, malformed, samples, total, retried, elapsed));
    } finally {
      for (CompletableFuture<?> future : inFlight) {
        future.cancel(true);
      }
    }
  }

  private void submit(Attempt attempt) {
    CompletableFuture<?> future = pool.applyAsync(attempt.task());
    inFlight.add(future);
    future.whenComplete((value, failure) -> {
      inFlight.remove(future);
      completions.add(new Completion(attempt, value, failure));
    });
  }

  /**
   * Takes the next completion; returns null when it was a worker death and the task has been
   * submitted again; throws the job's failure otherwise.
   */
  private Completion next() throws InterruptedException {
    Completion completion = completions.take();
    if (completion.failure() == null) {
      return completion;
    }
    Throwable failure = completion.failure() instanceof CompletionException wrapped && wrapped.getCause() != null
        ? wrapped.getCause()
        : completion.failure();
    Attempt attempt = completion.attempt();
    boolean workerDied = failure instanceof WorkerCrashedException && !(failure instanceof TaskTimeoutException);
    if (workerDied && attempt.number() < maxAttempts) {
      retried++;
      listener.onRetry(attempt.description(), failure);
      submit(new Attempt(attempt.task(), attempt.description(), attempt.number() + 1, attempt.weight(), attempt.partition()));
      return null;
    }
    if (failure instanceof TaskFailedException failed && failed.getCause() instanceof MalformedInputException malformed) {
      throw malformed;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new CompletionException(attempt.description() + " failed", failure);
  }
}
