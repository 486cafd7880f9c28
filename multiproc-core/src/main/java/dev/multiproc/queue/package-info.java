/**
 * Queues shared by processes and threads: Python's {@code multiprocessing.Queue}, {@code
 * JoinableQueue} and {@code SimpleQueue}.
 *
 * <p>Each queue is a ring buffer in one shared-memory segment ({@code /dev/shm}), passed to child
 * processes and pool tasks as an ordinary argument. Unlike Python's queues there is no feeder thread:
 * a put is complete when it returns, so a producer can exit before its items are read and joining
 * a producer before draining its queue never deadlocks. A producer killed while putting loses only
 * that item and never blocks the queue. See {@link dev.multiproc.queue.ProcessQueue} for the full
 * guarantees.
 */
package dev.multiproc.queue;
