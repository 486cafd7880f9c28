package dev.multiproc.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.MultiprocException;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A manager process with proxies used from the parent and from child processes. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class ManagerTest {

  /** Dict, list, namespace, value, lock and queue shared with children; nested changes behave as documented; a wrong key is refused. */
  @Test
  void managedObjects_acrossProcesses() throws Exception {
    try (Manager manager = Manager.start()) {
      SharedDict<String, List<Integer>> dict = manager.dict();
      SharedList<Integer> list = manager.list();
      SharedNamespace ns = manager.namespace();
      ManagedValue<Integer> counter = manager.value(0);
      ManagedLock lock = manager.lock();
      ManagedQueue<String> queue = manager.queue();

      dict.put("xs", new ArrayList<>(List.of(1)));
      dict.get("xs").add(2); // a copy: not sent back, as in Python
      assertThat(dict.get("xs")).containsExactly(1);
      dict.compute("xs", (k, v) -> {
        v.add(2);
        return v;
      });
      assertThat(dict.get("xs")).containsExactly(1, 2);
      ns.set("x", 10);

      List<ChildProcess<Void>> children = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        int me = c;
        ChildProcess<Void> child = ChildProcess.of(() -> {
          for (int i = 0; i < 50; i++) {
            list.add(me * 100 + i);
            counter.update(v -> v + 1);
            lock.lock();
            try {
              Integer x = ns.get("x");
              ns.set("x", x + 1); // read-modify-write made atomic by the managed lock
            } finally {
              lock.unlock();
            }
          }
          dict.compute("xs", (k, v) -> {
            v.add(me);
            return v;
          });
          queue.put("done " + me);
        });
        child.start();
        children.add(child);
      }
      assertThat(List.of(queue.take(), queue.take())).containsExactlyInAnyOrder("done 0", "done 1");
      for (ChildProcess<Void> c : children) {
        c.result();
      }
      assertThat(list).hasSize(100);
      assertThat(list.snapshot()).filteredOn(v -> v < 100).isSorted().hasSize(50);
      assertThat(counter.get()).isEqualTo(100);
      assertThat((Integer) ns.get("x")).isEqualTo(110);
      assertThat(dict.get("xs")).containsExactlyInAnyOrder(1, 2, 0, 1);
      assertThat(queue.poll(Duration.ofMillis(20))).isNull();
      assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);

      Manager intruder = Manager.connect(manager.address(), "wrong".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(intruder::dict).isInstanceOf(MultiprocException.class).hasMessageContaining("cannot reach the manager");
    }
  }

  /** A manager listening on TCP (as for other machines) serves a client that connects by address and key alone. */
  @Test
  void managerOverTcp_connectByAddressAndKey() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    java.net.InetSocketAddress address = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port);
    byte[] key = "cluster key".getBytes(StandardCharsets.UTF_8);
    try (Manager manager = Manager.start(address, key)) {
      SharedDict<String, String> d = manager.dict(java.util.Map.of("from", "parent"));
      ChildProcess<String> remote = ChildProcess.of(() -> {
        // Only the address and the key travel: as another machine would do it.
        Manager elsewhere = Manager.connect(address, key);
        SharedList<String> l = elsewhere.list(List.of("a"));
        l.add("b");
        return d.get("from") + ":" + l.snapshot();
      });
      remote.start();
      assertThat(remote.result()).isEqualTo("parent:[a, b]");
    }
  }
}
