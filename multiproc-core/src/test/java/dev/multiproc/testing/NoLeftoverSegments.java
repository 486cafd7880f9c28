package dev.multiproc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves a shared-memory segment ({@code /dev/shm/multiproc-shm-*}) behind:
 * every segment that appeared during the class must be gone a few seconds after it (children's
 * exit hooks detach asynchronously).
 */
public final class NoLeftoverSegments implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeftoverSegments.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).put("before", Set.copyOf(segments()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterAll(ExtensionContext context) throws Exception {
    Set<String> before = (Set<String>) context.getStore(NS).get("before");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    Set<String> left;
    do {
      left = new HashSet<>(segments());
      left.removeAll(before);
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("shared-memory segments left after %s", context.getDisplayName()).isEmpty();
  }

  /** {@return the names of Multiproc segments now in /dev/shm} */
  public static List<String> segments() {
    try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("multiproc-shm-")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
