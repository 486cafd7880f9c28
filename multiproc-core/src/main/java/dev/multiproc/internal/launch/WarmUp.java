package dev.multiproc.internal.launch;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.internal.codec.ValueEncoding;
import java.util.List;

/**
 * The task a worker runs to warm up (a standby process before it is handed out, an AOT training
 * run before its classes are archived): it walks the paths a real task walks — decoding a lambda,
 * encoding a boxed result through the codec — and, given a sample of the user's real task,
 * <em>decodes that sample without running it</em>, so the user's task classes and lambda are
 * loaded and linked too. Decoding initializes the task's classes (runs their static
 * initializers), as deserialization always does; the task itself never runs. A sample that
 * cannot be decoded is ignored: warming up never fails.
 */
final class WarmUp {
  private WarmUp() {}

  static SerializableCallable<Object> task(String codecClass, byte[] sample) {
    long seed = System.nanoTime();
    return () -> {
      if (sample != null) {
        try {
          ValueEncoding.forTasksFromParent(Codecs.instantiate(codecClass)).decodeTask(sample);
        } catch (Exception | LinkageError e) {
          // only a warm-up
        }
      }
      return List.of(seed, "warm", 1.0);
    };
  }
}
