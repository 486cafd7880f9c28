package dev.multiproc.internal.launch;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Starts every child process of this JVM from one long-lived platform thread.
 *
 * <p>Why one thread: Linux's {@code PR_SET_PDEATHSIG}, which each child arms against its parent,
 * fires when the <em>thread</em> that forked the child exits, not the process. Spawning from
 * whatever thread called {@code start()} (a short-lived virtual or pool thread) would kill
 * children at random; spawning from this thread, which lives as long as the JVM, makes the signal
 * mean "the parent JVM died".
 */
final class ProcessSpawner {
  private record Request(ProcessBuilder builder, CompletableFuture<Process> result) {}

  private static final BlockingQueue<Request> REQUESTS = new LinkedBlockingQueue<>();

  static {
    Thread.ofPlatform().daemon().name("multiproc-spawner").start(ProcessSpawner::serve);
  }

  private ProcessSpawner() {}

  static Process spawn(ProcessBuilder builder) throws IOException {
    Request request = new Request(builder, new CompletableFuture<>());
    REQUESTS.add(request);
    try {
      return request.result().get();
    } catch (InterruptedException e) {
      // The process may start anyway; make sure it does not outlive the abandoned request.
      request.result().thenAccept(Process::destroyForcibly);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a child process", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start a child process", e.getCause());
    }
  }

  private static void serve() {
    while (true) {
      Request request;
      try {
        request = REQUESTS.take();
      } catch (InterruptedException e) {
        continue; // this thread must outlive every child it spawned
      }
      try {
        request.result().complete(request.builder().start());
      } catch (IOException | RuntimeException e) {
        request.result().completeExceptionally(e);
      }
    }
  }
}
