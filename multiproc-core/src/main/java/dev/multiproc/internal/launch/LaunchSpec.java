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
 */
public record LaunchSpec(
    List<String> jvmOptions, String codecClass, boolean inheritIO, int maxFrameBytes, Duration startTimeout) {
  public LaunchSpec {
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(codecClass, "codecClass");
    Objects.requireNonNull(startTimeout, "startTimeout");
  }
}
