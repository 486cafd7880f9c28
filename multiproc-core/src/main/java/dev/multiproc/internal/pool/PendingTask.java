package dev.multiproc.internal.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One task on its way through a pool: the encoded callable and the future its outcome completes
 * (with the still-encoded result bytes, decoded later off the delivery thread).
 */
final class PendingTask {
  final long id;
  final byte[] payload;
  final Duration timeout; // null: none
  final CompletableFuture<byte[]> outcome = new CompletableFuture<>();
  volatile boolean timedOut;
  volatile String threadDump;
  volatile PoolWorker runningOn;
  volatile long sentNanos;
  /** Workers that died while running this task. */
  int crashes;

  PendingTask(long id, byte[] payload, Duration timeout) {
    this.id = id;
    this.payload = payload;
    this.timeout = timeout;
  }
}
