package dev.multiproc.cli;

import dev.multiproc.ChildProcess;
import dev.multiproc.connection.Connection;
import dev.multiproc.connection.Pipe;
import dev.multiproc.queue.ProcessQueue;
import dev.multiproc.shared.ProcessEvent;
import java.io.EOFException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multiproc bench queue}: {@link ProcessQueue} and {@link Pipe} against Python's {@code
 * multiprocessing.Queue} and {@code Pipe} ({@code bench/python/queue_pipe.py}, {@code spawn}), same
 * workloads, same run.
 *
 * <ul>
 *   <li>{@code queue_throughput} (messages/s): one producer process puts N small ints, the parent
 *       takes them. The producer first puts 5 x N unmeasured items (the JITs of both processes need a
 *       few hundred thousand operations to compile the put and take paths), then waits for an
 *       event; the parent drains them, starts the clock, sets the event and takes the N
 *       measured items. Python's script does the same with a {@code Queue} and an {@code Event}.
 *   <li>{@code pipe_latency_p50} (µs): median round trip of a small int to a child that echoes it
 *       back over a duplex pipe, after as many unmeasured round trips.
 * </ul>
 */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = "Queue throughput (1 producer process -> 1 consumer) and pipe round-trip latency vs Python's multiprocessing Queue and Pipe.")
final class QueueBenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--items", defaultValue = "200000", description = "Items through the queue, both sides (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--warmup-rounds", defaultValue = "5", description = "Unmeasured rounds of --items first, both sides (default: ${DEFAULT-VALUE}).")
  int warmupRounds;

  @Option(names = "--round-trips", defaultValue = "10000", description = "Measured pipe round trips, both sides (default: ${DEFAULT-VALUE}).")
  int roundTrips;

  @Override
  public Integer call() throws Exception {
    if (items < 1 || roundTrips < 1 || warmupRounds < 0) {
      throw new IllegalArgumentException("--items and --round-trips must be >= 1, --warmup-rounds >= 0");
    }
    double throughput = queueThroughput(items, warmupRounds);
    double latency = pipeLatencyMicros(roundTrips);
    Map<String, Double> python =
        PythonReference.runAll(
            "queue_pipe.py", "--items", Integer.toString(items), "--warmup-rounds", Integer.toString(warmupRounds), "--round-trips", Integer.toString(roundTrips));
    Double pyThroughput = python.get("queue_throughput");
    Double pyLatency = python.get("pipe_latency_p50");
    if (pyThroughput == null || pyLatency == null) {
      throw new IllegalStateException("python reference queue_pipe.py printed no queue_throughput / pipe_latency_p50");
    }
    BenchReport report = new BenchReport();
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("items", items);
    q.put("python_code", "multiprocessing.Queue() put/get, spawn");
    report.add("queue_throughput", "messages/s", throughput, pyThroughput, BenchReport.Better.HIGHER, q);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("round_trips", roundTrips);
    p.put("python_code", "multiprocessing.Pipe() send/recv echo, spawn");
    report.add("pipe_latency_p50", "us", latency, pyLatency, BenchReport.Better.LOWER, p);
    report.print(json, System.out);
    return 0;
  }

  /** {@return messages per second from one producer process to this one} */
  static double queueThroughput(int n, int warmupRounds) throws Exception {
    try (ProcessQueue<Integer> queue = ProcessQueue.create();
        ProcessEvent go = ProcessEvent.create()) {
      ChildProcess<Void> producer = ChildProcess.of(() -> {
        for (int r = 0; r < warmupRounds; r++) {
          for (int i = 0; i < n; i++) {
            queue.put(i);
          }
        }
        go.await();
        for (int i = 0; i < n; i++) {
          queue.put(i);
        }
      });
      producer.start();
      long check = 0;
      for (long i = 0; i < (long) n * warmupRounds; i++) {
        check += queue.take();
      }
      check -= warmupRounds * ((long) n * (n - 1) / 2);
      long t0 = System.nanoTime();
      go.set();
      for (int i = 0; i < n; i++) {
        check += queue.take();
      }
      long elapsed = System.nanoTime() - t0;
      producer.result();
      if (check != (long) n * (n - 1) / 2) {
        throw new IllegalStateException("queue delivered wrong items: checksum " + check);
      }
      return n / (elapsed / 1e9);
    }
  }

  /** {@return the median round trip, in µs, of a small int to an echoing child over a pipe} */
  @SuppressWarnings("try") // our end is closed inside the block: that is how the child learns to stop
  static double pipeLatencyMicros(int roundTrips) throws Exception {
    Pipe pipe = Pipe.open(true);
    Connection childEnd = pipe.second();
    try (Connection mine = pipe.first()) {
      ChildProcess<Void> echo = ChildProcess.of(() -> {
        try {
          for (;;) {
            childEnd.send(childEnd.recv());
          }
        } catch (EOFException e) {
          // the parent closed its end: done
        }
      });
      echo.start();
      childEnd.close();
      for (int i = 0; i < roundTrips; i++) {
        mine.send(i);
        mine.recv();
      }
      double[] samples = new double[roundTrips];
      for (int i = 0; i < roundTrips; i++) {
        long t0 = System.nanoTime();
        mine.send(i);
        Object back = mine.recv();
        samples[i] = (System.nanoTime() - t0) / 1e3;
        if (!Integer.valueOf(i).equals(back)) {
          throw new IllegalStateException("pipe echoed " + back + " for " + i);
        }
      }
      mine.close();
      echo.result();
      return BenchReport.median(samples);
    }
  }
}
