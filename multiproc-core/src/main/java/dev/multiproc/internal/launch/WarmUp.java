package dev.multiproc.internal.launch;

import dev.multiproc.function.SerializableCallable;
import dev.multiproc.internal.codec.ValueEncoding;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The task a worker runs to warm up (a standby process before it is handed out, an AOT training
 * run before its classes are archived): it walks the paths a real task walks — decoding a lambda,
 * encoding a boxed result through the codec — and, given a sample of the user's real task,
 * <em>decodes that sample without running it</em>, so the user's task classes and lambda are
 * loaded and linked too. Decoding initializes the task's classes (runs their static
 * initializers), as deserialization always does; the task itself never runs. A sample that
 * cannot be decoded is ignored: warming up never fails.
 *
 * <p>An AOT training run also rehearses the library's MapReduce word count ({@code
 * dev.multiproc.mapreduce.JobRehearsal}), so the cache carries those classes and their profiles.
 * A standby process does not: it would only burn CPU that real work wants.
 */
final class WarmUp {
  private WarmUp() {}

  static SerializableCallable<Object> task(String codecClass, byte[] sample, boolean rehearseJobs) {
    long seed = System.nanoTime();
    return () -> {
      if (rehearseJobs) {
        // JobRehearsal.run(), by name and reflection: it drives package-private job classes, and
        // the launch package has no business depending on MapReduce otherwise. (Inline: javac's
        // serial lint flags a serializable lambda that calls a non-public helper of this class.)
        try {
          Method run = Class.forName("dev.multiproc.mapreduce.JobRehearsal").getDeclaredMethod("run");
          run.setAccessible(true);
          run.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          // only a warm-up: a cache without these profiles is still a cache
          if (Boolean.getBoolean("multiproc.debug")) {
            System.err.println("multiproc: MapReduce rehearsal failed: " + e);
          }
        }
      }
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
