package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.connection.Listener;
import dev.multiproc.queue.ProcessQueue;
import dev.multiproc.shared.SharedInt;
import dev.multiproc.shared.SharedMemoryException;
import dev.multiproc.testing.NoLeftoverSegments;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everything Multiproc creates for other processes to open is its owner's alone; a missing /dev/shm is a clear error. */
@ExtendWith(NoLeftoverSegments.class)
class OwnerOnlyPermissionsTest {
  static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void sharedSegmentsAndQueues_are0600() throws Exception {
    try (SharedInt value = SharedInt.create(1)) {
      assertThat(mode(Path.of("/dev/shm", value.name()))).isEqualTo("rw-------");
    }
    ProcessQueue<Integer> queue = ProcessQueue.create();
    try {
      assertThat(mode(Path.of("/dev/shm", queue.name()))).isEqualTo("rw-------");
    } finally {
      queue.close();
    }
  }

  /** No tmpfs directory: a clear error that says what to do, not a crash later. */
  @Test
  void missingSharedMemoryDirectory_isAClearError() {
    String previous = System.getProperty("multiproc.shm.dir");
    System.setProperty("multiproc.shm.dir", "/nonexistent-multiproc-shm");
    try {
      assertThatThrownBy(() -> SharedInt.create(1))
          .isInstanceOf(SharedMemoryException.class)
          .hasMessageContaining("/nonexistent-multiproc-shm does not exist")
          .hasMessageContaining("-Dmultiproc.shm.dir");
    } finally {
      if (previous == null) {
        System.clearProperty("multiproc.shm.dir");
      } else {
        System.setProperty("multiproc.shm.dir", previous);
      }
    }
  }

  @Test
  void unixListenerSocket_livesInAnOwnerOnlyDirectory() throws Exception {
    try (Listener listener = Listener.open("key".getBytes(StandardCharsets.UTF_8))) {
      Path socket = ((UnixDomainSocketAddress) listener.address()).getPath();
      assertThat(mode(socket.getParent())).isEqualTo("rwx------");
    }
  }
}
