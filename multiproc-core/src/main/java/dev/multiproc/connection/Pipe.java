package dev.multiproc.connection;

import dev.multiproc.internal.connection.PipeEnds;

/**
 * A pair of connected {@link Connection}s over shared memory: Python's {@code
 * multiprocessing.Pipe(duplex)}.
 *
 * <p>Pass either end to a child process or pool task as an ordinary argument: it travels as a handle
 * and the receiving JVM attaches the same pipe. Each direction is a ring buffer in one
 * shared-memory segment (1 MiB per direction; messages over 128 KiB travel in a file of their own,
 * so a message may be of any size). There is no feeder thread: a process that sent messages may
 * exit before they are received.
 *
 * <p><b>End-of-stream.</b> {@code recv} on one end throws {@link java.io.EOFException} once
 * everything sent has been received and the other end was closed or the process holding it died
 * (noticed within ~20-40 ms). An end that was sent to another process belongs to that process from
 * then on: closing this process's copy only detaches it (as closing an inherited file descriptor
 * does in Python), so {@code child.start(); childEnd.close();} is safe — once the child has the end.
 * The pipe's memory goes away with its last user.
 *
 * {@snippet :
 * Pipe pipe = Pipe.open(true);
 * Connection end = pipe.second();
 * ChildProcess<Void> echo = ChildProcess.of(() -> {
 *   for (;;) { end.send(end.recv()); }        // until EOFException: the parent closed its end
 * });
 * echo.start();
 * pipe.first().send("ping");
 * String back = (String) pipe.first().recv();
 * pipe.first().close();
 * }
 *
 * @param first the first end: receives what {@code second} sends (and, duplex, sends to it)
 * @param second the second end: sends to {@code first} (and, duplex, receives from it)
 */
public record Pipe(Connection first, Connection second) {
  /**
   * Opens a pipe.
   *
   * @param duplex true for two-way ends; false for a one-way pipe where {@link #first()} can only
   *     receive and {@link #second()} can only send (as in Python)
   * @return the two ends
   */
  public static Pipe open(boolean duplex) {
    PipeEnds ends = PipeEnds.create(duplex);
    return new Pipe(ends.end(0), ends.end(1));
  }

  /** {@return a two-way pipe (Python's {@code Pipe()})} */
  public static Pipe open() {
    return open(true);
  }
}
