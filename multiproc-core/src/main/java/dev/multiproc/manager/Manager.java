package dev.multiproc.manager;

import dev.multiproc.ChildProcess;
import dev.multiproc.MultiprocException;
import dev.multiproc.connection.Client;
import dev.multiproc.internal.manager.ManagerProtocol.Create;
import dev.multiproc.internal.manager.ManagerProtocol.ObjectKind;
import dev.multiproc.internal.manager.ManagerProtocol.Shutdown;
import dev.multiproc.internal.manager.ManagerRef;
import dev.multiproc.internal.manager.ManagerServer;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * A process that owns shared objects and hands out proxies to them: Python's {@code
 * multiprocessing.Manager()} / {@code SyncManager}.
 *
 * <p>{@link #start()} launches the manager as a child JVM listening on a private Unix-domain socket
 * with a random key; {@link #start(SocketAddress, byte[])} listens where you say (a TCP address for
 * other machines, which then {@link #connect} with the same key). {@link #dict()}, {@link #list()},
 * {@link #namespace()}, {@link #value}, {@link #lock()} and {@link #queue()} create objects in the
 * manager and return proxies. Proxies (and the manager handle) are serializable: pass them to child
 * processes and pool tasks as ordinary arguments; each JVM thread talks to the manager over its own
 * authenticated connection.
 *
 * <p><b>Consistency model.</b> Every proxy method is one request, applied atomically by the manager
 * under the object's monitor: all operations on one object form a single total order consistent with
 * real time (linearizable), and a call returns after its operation was applied. A thread's calls are
 * applied in its program order. Results are <em>copies</em>: mutating an object you got from {@code
 * dict.get(k)} changes only your copy and is never sent back (Python's proxies silently drop such
 * nested changes too). To change a nested value, write it back ({@code put}), or send the change to
 * the manager as a serializable function — {@link SharedDict#compute}, {@link SharedList#update},
 * {@link ManagedValue#update} — which the manager applies atomically. Views ({@code entrySet},
 * iterators, {@code snapshot()}) are snapshots taken in one operation.
 *
 * <p><b>Failure.</b> A proxy call on a manager that is gone throws {@link MultiprocException}. A
 * client process that dies while holding a managed lock releases it (its connection ends). The
 * manager child dies with its parent (Multiproc's child processes never outlive their parent);
 * {@link #close()} shuts it down. A peer without the key is refused by the manager's listener.
 *
 * {@snippet :
 * try (Manager manager = Manager.start()) {
 *   SharedDict<String, Integer> counts = manager.dict();
 *   ChildProcess<Void> p = ChildProcess.of(() -> { counts.compute("hits", (k, v) -> v == null ? 1 : v + 1); });
 *   p.start(); p.join();
 *   counts.get("hits");                       // 1
 * }
 * }
 */
public final class Manager implements AutoCloseable, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ManagerRef ref;
  private final transient ChildProcess<Void> process;
  private final transient Path directory;

  private Manager(ManagerRef ref, ChildProcess<Void> process, Path directory) {
    this.ref = ref;
    this.process = process;
    this.directory = directory;
  }

  /**
   * Starts a manager process on a private Unix-domain socket, with a random 32-byte key.
   *
   * @return the manager
   * @throws IOException if the socket directory cannot be made
   * @throws InterruptedException if interrupted while it starts
   */
  public static Manager start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("multiproc-manager-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      return start(UnixDomainSocketAddress.of(dir.resolve("socket")), key, dir);
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteDirectory(dir);
      throw e;
    }
  }

  /**
   * Starts a manager process listening on {@code address} (for instance a TCP address reachable from
   * other machines).
   *
   * @param address where the manager listens
   * @param authkey the key every client must hold, non-empty
   * @return the manager
   * @throws IOException if it cannot start
   * @throws InterruptedException if interrupted while it starts
   */
  public static Manager start(SocketAddress address, byte[] authkey) throws IOException, InterruptedException {
    return start(address, authkey.clone(), null);
  }

  private static Manager start(SocketAddress address, byte[] key, Path dir) throws IOException, InterruptedException {
    ChildProcess<Void> server = ChildProcess.builder(() -> ManagerServer.serve(address, key)).name("multiproc-manager").build();
    server.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (;;) {
      try {
        Client.connect(address, key).close(); // listening and answering the handshake: ready
        return new Manager(new ManagerRef(address, key), server, dir);
      } catch (IOException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          server.kill();
          throw new IOException("the manager process did not start listening on " + address + ": " + e.getMessage(), e);
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * A handle to a manager started elsewhere (another process or machine).
   *
   * @param address its address
   * @param authkey its key
   * @return the handle; {@link #close()} on it does not stop the manager, {@link #shutdown()} does
   */
  public static Manager connect(SocketAddress address, byte[] authkey) {
    return new Manager(new ManagerRef(address, authkey.clone()), null, null);
  }

  /** {@return the address the manager listens on} */
  public SocketAddress address() {
    return ref.address();
  }

  /**
   * {@return a new empty dict in the manager}
   *
   * @param <K> key type
   * @param <V> value type
   */
  public <K, V> SharedDict<K, V> dict() {
    return dict(null);
  }

  /**
   * Creates a dict in the manager with initial entries.
   *
   * @param initial its entries (copied), or null
   * @param <K> key type
   * @param <V> value type
   * @return the proxy
   */
  public <K, V> SharedDict<K, V> dict(Map<K, V> initial) {
    return new SharedDict<>(ref, create(ObjectKind.DICT, initial == null ? null : new java.util.LinkedHashMap<>(initial)));
  }

  /**
   * {@return a new empty list in the manager}
   *
   * @param <E> element type
   */
  public <E> SharedList<E> list() {
    return list(null);
  }

  /**
   * Creates a list in the manager with initial elements.
   *
   * @param initial its elements (copied), or null
   * @param <E> element type
   * @return the proxy
   */
  public <E> SharedList<E> list(Collection<E> initial) {
    return new SharedList<>(ref, create(ObjectKind.LIST, initial == null ? null : new java.util.ArrayList<>(initial)));
  }

  /** {@return a new namespace (named attributes) in the manager} */
  public SharedNamespace namespace() {
    return new SharedNamespace(ref, create(ObjectKind.NAMESPACE, null));
  }

  /**
   * Creates a value in the manager (Python's {@code manager.Value}).
   *
   * @param initial its initial value
   * @param <T> its type
   * @return the proxy
   */
  public <T> ManagedValue<T> value(T initial) {
    return new ManagedValue<>(ref, create(ObjectKind.VALUE, initial));
  }

  /** {@return a new lock in the manager (Python's {@code manager.Lock()}, reentrant like {@code RLock})} */
  public ManagedLock lock() {
    return new ManagedLock(ref, create(ObjectKind.LOCK, null));
  }

  /**
   * {@return a new unbounded queue in the manager (Python's {@code manager.Queue()})}
   *
   * @param <E> element type
   */
  public <E> ManagedQueue<E> queue() {
    return new ManagedQueue<>(ref, create(ObjectKind.QUEUE, null));
  }

  private long create(ObjectKind kind, Object initial) {
    return (Long) ref.call(new Create(kind, initial));
  }

  /** Stops the manager process (its objects are gone; proxies then fail). */
  public void shutdown() {
    try {
      ref.call(new Shutdown());
    } catch (MultiprocException e) {
      // already gone
    }
  }

  /**
   * Shuts down a manager this process started and waits for it to exit (a handle from {@link
   * #connect} is only dropped). Idempotent.
   */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      shutdown();
      try {
        if (!process.join(Duration.ofSeconds(5))) {
          process.kill();
          process.join();
        }
      } catch (InterruptedException e) {
        process.kill();
        Thread.currentThread().interrupt();
      }
    }
    if (directory != null) {
      deleteDirectory(directory);
    }
  }

  private static void deleteDirectory(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve("socket"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a private temp directory: harmless
    }
  }

  @Override
  public String toString() {
    return "Manager[" + ref.address() + "]";
  }
}
