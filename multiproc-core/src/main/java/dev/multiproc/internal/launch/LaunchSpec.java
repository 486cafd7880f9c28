package dev.multiproc.internal.launch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that determines how a child JVM is started. Two launches with equal specs produce
 * interchangeable workers, which is what lets a standby process serve any request with its spec.
 *
 * @param jvmOptions extra JVM options (heap, system properties, flags), in order
 * @param codecClass the codec's class name, instantiated in the child
 * @param inheritIO whether the child writes straight to this JVM's file descriptors 1 and 2
 *     instead of through {@code System.out}/{@code System.err}
 * @param maxFrameBytes the largest message either side may send
 * @param startTimeout how long a child may take to connect back
 * @param concurrency how many pool tasks the worker runs at once (1 for a ChildProcess)
 */
public record LaunchSpec(
    List<String> jvmOptions,
    String codecClass,
    boolean inheritIO,
    int maxFrameBytes,
    Duration startTimeout,
    int concurrency) {
  /**
   * A spec for one-at-a-time workers.
   *
   * @param jvmOptions extra JVM options
   * @param codecClass the codec's class name
   * @param inheritIO whether the child inherits file descriptors 1 and 2
   * @param maxFrameBytes the message cap
   * @param startTimeout the connect timeout
   */
  public LaunchSpec(List<String> jvmOptions, String codecClass, boolean inheritIO, int maxFrameBytes, Duration startTimeout) {
    this(jvmOptions, codecClass, inheritIO, maxFrameBytes, startTimeout, 1);
  }

  public LaunchSpec {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1");
    }
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(codecClass, "codecClass");
    Objects.requireNonNull(startTimeout, "startTimeout");
  }
}
