package dev.multiproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multiproc.connection.Listener;
import dev.multiproc.queue.ProcessQueue;
import dev.multiproc.shared.SharedInt;
import dev.multiproc.testing.NoLeftoverSegments;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everything Multiproc creates for other processes to open is its owner's alone. */
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

  @Test
  void unixListenerSocket_livesInAnOwnerOnlyDirectory() throws Exception {
    try (Listener listener = Listener.open("key".getBytes(StandardCharsets.UTF_8))) {
      Path socket = ((UnixDomainSocketAddress) listener.address()).getPath();
      assertThat(mode(socket.getParent())).isEqualTo("rwx------");
    }
  }
}
