package dev.multiproc.examples;

import dev.multiproc.ChildProcess;
import dev.multiproc.connection.Connection;
import dev.multiproc.connection.Pipe;
import dev.multiproc.queue.ProcessQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Python's "Exchanging objects between processes" and its queue-of-tasks worker example:
 * <pre>
 * def f(q):
 *     q.put([42, None, 'hello'])
 * q = Queue(); p = Process(target=f, args=(q,)); p.start(); print(q.get()); p.join()
 *
 * def f(conn):
 *     conn.send([42, None, 'hello']); conn.close()
 * parent_conn, child_conn = Pipe(); p = Process(target=f, args=(child_conn,)); p.start()
 * print(parent_conn.recv()); p.join()
 *
 * def worker(input, output):
 *     for func, args in iter(input.get, 'STOP'):
 *         output.put(calculate(func, args))
 * task_queue = Queue(); done_queue = Queue()
 * for task in TASKS: task_queue.put(task)
 * for i in range(NUMBER_OF_PROCESSES): Process(target=worker, args=(task_queue, done_queue)).start()
 * for i in range(len(TASKS)): print(done_queue.get())
 * for i in range(NUMBER_OF_PROCESSES): task_queue.put('STOP')
 * </pre>
 */
public final class QueuesAndPipes {
  private static final int PROCESSES = 2;
  private static final String STOP = "STOP";

  private QueuesAndPipes() {}

  /** The worker: takes {@code int[]{a, b}} tasks until STOP, puts {@code a * b}. */
  static void worker(ProcessQueue<Object> input, ProcessQueue<Integer> output) throws InterruptedException {
    for (Object task = input.take(); !STOP.equals(task); task = input.take()) {
      int[] args = (int[]) task;
      output.put(args[0] * args[1]);
    }
  }

  /**
   * Runs the three examples.
   *
   * @param args unused
   * @throws Exception if a child fails
   */
  public static void main(String[] args) throws Exception {
    try (ProcessQueue<List<Object>> q = ProcessQueue.create()) {
      ChildProcess<Void> p = ChildProcess.of(() -> q.put(Arrays.asList(42, null, "hello")));
      p.start();
      System.out.println("from a queue: " + q.take());
      p.join();
    }

    Pipe pipe = Pipe.open();
    Connection childConn = pipe.second();
    try (Connection parentConn = pipe.first()) {
      ChildProcess<Void> p = ChildProcess.of(() -> {
        childConn.send(Arrays.asList(42, null, "hello"));
        childConn.close();
      });
      p.start();
      childConn.close();
      System.out.println("from a pipe: " + parentConn.recv());
      p.join();
    }

    try (ProcessQueue<Object> tasks = ProcessQueue.create();
        ProcessQueue<Integer> done = ProcessQueue.create()) {
      for (int i = 0; i < 20; i++) {
        tasks.put(new int[] {i, 7});
      }
      List<ChildProcess<Void>> workers = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        ChildProcess<Void> w = ChildProcess.of(() -> worker(tasks, done));
        w.start();
        workers.add(w);
      }
      List<Integer> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        results.add(done.take()); // in completion order, as Python's "Unordered results"
      }
      for (int i = 0; i < PROCESSES; i++) {
        tasks.put(STOP);
      }
      for (ChildProcess<Void> w : workers) {
        w.result();
      }
      Collections.sort(results);
      System.out.println("results, sorted: " + results);
    }
  }
}
