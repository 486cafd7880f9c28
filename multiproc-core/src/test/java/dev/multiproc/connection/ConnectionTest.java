package dev.multiproc.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multiproc.ChildProcess;
import dev.multiproc.testing.NoLeftoverSegments;
import dev.multiproc.testing.NoStrayChildren;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pipes (shared memory) and Listener/Client (sockets with an authentication key), with real child processes. */
@ExtendWith({NoStrayChildren.class, NoLeftoverSegments.class})
class ConnectionTest {
  private static final byte[] KEY = "the right key".getBytes(StandardCharsets.UTF_8);

  /** Objects and bytes cross a pipe in order; poll waits; a one-way pipe refuses the wrong direction; close gives EOF. */
  @Test
  @SuppressWarnings("try") // closing one end inside the block is what is tested
  void pipe_inOneProcess() throws Exception {
    Pipe pipe = Pipe.open(true);
    try (Connection a = pipe.first();
        Connection b = pipe.second()) {
      assertThat(a.poll()).isFalse();
      assertThat(a.poll(Duration.ofMillis(30))).isFalse();
      b.send(Map.of("k", List.of(1, 2)));
      b.sendBytes(new byte[] {1, 2, 3});
      b.sendBytes(new byte[] {9, 8, 7, 6}, 1, 2);
      assertThat(a.poll(Duration.ofSeconds(1))).isTrue();
      assertThat(a.recv()).isEqualTo(Map.of("k", List.of(1, 2)));
      assertThat(a.recvBytes()).containsExactly(1, 2, 3);
      assertThat(a.recvBytes()).containsExactly(8, 7);
      a.send("back");
      assertThat(b.recv()).isEqualTo("back");
      b.close();
      assertThat(a.poll(Duration.ofSeconds(1))).isTrue(); // end-of-stream is "ready"
      assertThatThrownBy(a::recv).isInstanceOf(EOFException.class);
      assertThatThrownBy(() -> a.send("x")).isInstanceOf(IOException.class);
    }
    Pipe oneWay = Pipe.open(false);
    try (Connection r = oneWay.first();
        Connection w = oneWay.second()) {
      w.send(1);
      assertThat(r.recv()).isEqualTo(1);
      assertThatThrownBy(() -> r.send(2)).isInstanceOf(IOException.class).hasMessageContaining("only receive");
      assertThatThrownBy(w::recv).isInstanceOf(IOException.class).hasMessageContaining("only send");
    }
  }

  /** A child echoes large objects (a 24 MB array, a 3 MB list) through a pipe both ways; its exit ends the stream. */
  @Test
  @SuppressWarnings("try") // closing our end inside the block is what is tested
  void pipe_largeObjectsWithChild_andEofWhenChildExits() throws Exception {
    Pipe pipe = Pipe.open();
    Connection childEnd = pipe.second();
    try (Connection mine = pipe.first()) {
      ChildProcess<Integer> echo = ChildProcess.of(() -> {
        int n = 0;
        try {
          for (;; n++) {
            childEnd.send(childEnd.recv());
          }
        } catch (EOFException e) {
          return n;
        }
      });
      echo.start();
      childEnd.close(); // ours is only a copy now: the child owns that end (Python's idiom)
      long[] big = new long[3_000_000];
      Arrays.setAll(big, i -> i * 7L);
      ArrayList<String> strings = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        strings.add("item-" + i);
      }
      for (Object message : List.of(big, strings, "small", 42)) {
        mine.send(message);
        Object back = mine.recv();
        if (message instanceof long[] l) {
          assertThat((long[]) back).isEqualTo(l);
        } else {
          assertThat(back).isEqualTo(message);
        }
      }
      mine.close(); // the child sees end-of-stream and returns
      assertThat(echo.result()).isEqualTo(4);
    }
  }

  /** Starts a child that owns {@code childEnd}, waits until it said so through {@code mine}, then kills it. */
  private static void killedAfterReady(Connection childEnd, Connection mine) throws Exception {
    ChildProcess<Void> child = ChildProcess.of(() -> {
      childEnd.send("ready");
      Thread.sleep(60_000);
    });
    child.start();
    childEnd.close(); // the child owns it now
    assertThat(mine.recv()).isEqualTo("ready");
    child.kill();
    child.join();
  }

  /** When the process holding the other end is killed, recv ends with EOFException instead of waiting forever. */
  @Test
  void pipe_peerKilled_recvEnds() throws Exception {
    Pipe pipe = Pipe.open();
    try (Connection mine = pipe.first()) {
      killedAfterReady(pipe.second(), mine);
      CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
        try {
          mine.recv();
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(EOFException.class);
    }
  }

  /** Sending to a pipe whose reader was killed fails with IOException once the pipe is full, instead of waiting forever. */
  @Test
  void pipe_readerKilled_sendFails() throws Exception {
    Pipe pipe = Pipe.open();
    try (Connection mine = pipe.first()) {
      killedAfterReady(pipe.second(), mine);
      byte[] chunk = new byte[100_000];
      CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
        try {
          for (int i = 0; i < 1_000; i++) {
            mine.sendBytes(chunk); // the 1 MiB ring fills after ~10
          }
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("broken pipe");
    }
  }

  /** Listener/Client over a Unix-domain socket and over TCP, with a client in a child process. */
  @Test
  void listenerAndClient_unixAndTcp() throws Exception {
    try (Listener unix = Listener.open(KEY);
        Listener tcp = Listener.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY)) {
      for (Listener listener : List.of(unix, tcp)) {
        SocketAddress address = listener.address();
        ChildProcess<String> client = ChildProcess.of(() -> {
          try (Connection c = Client.connect(address, KEY)) {
            c.send("hello from " + ProcessHandle.current().pid());
            byte[] big = c.recvBytes();
            return big.length + ":" + big[big.length - 1] + ":" + c.recv();
          }
        });
        client.start();
        try (Connection c = listener.accept()) {
          assertThat((String) c.recv()).startsWith("hello from");
          assertThat(c.poll()).isFalse();
          byte[] big = new byte[10 << 20];
          big[big.length - 1] = 5;
          c.sendBytes(big); // larger than any socket buffer: written in pieces
          c.send("bye");
          assertThat(client.result()).isEqualTo((10 << 20) + ":5:bye");
        }
      }
      assertThat(Files.exists(((UnixDomainSocketAddress) unix.address()).getPath())).isTrue();
    }
  }

  /** A client with the wrong key is refused on both sides before any message; the listener keeps accepting. */
  @Test
  void wrongKey_refused() throws Exception {
    try (Listener listener = Listener.open(KEY)) {
      SocketAddress address = listener.address();
      ChildProcess<String> intruder = ChildProcess.of(() -> {
        try {
          Client.connect(address, "a wrong key".getBytes(StandardCharsets.UTF_8)).close();
          return "connected";
        } catch (AuthenticationException e) {
          return "refused: " + e.getMessage();
        }
      });
      intruder.start();
      assertThatThrownBy(listener::accept).isInstanceOf(AuthenticationException.class);
      assertThat(intruder.result()).startsWith("refused");
      CompletableFuture<Object> good = CompletableFuture.supplyAsync(() -> {
        try (Connection c = Client.connect(address, KEY)) {
          return c.recv();
        } catch (Exception e) {
          return e;
        }
      });
      try (Connection c = listener.accept()) {
        c.send(1);
      }
      assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThatThrownBy(() -> Listener.open(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }
}
