package dev.multiproc.internal.manager;

import dev.multiproc.connection.AuthenticationException;
import dev.multiproc.connection.Connection;
import dev.multiproc.connection.Listener;
import dev.multiproc.function.SerializableBiFunction;
import dev.multiproc.function.SerializableFunction;
import dev.multiproc.internal.manager.ManagerProtocol.Answer;
import dev.multiproc.internal.manager.ManagerProtocol.Call;
import dev.multiproc.internal.manager.ManagerProtocol.Create;
import dev.multiproc.internal.manager.ManagerProtocol.Failure;
import dev.multiproc.internal.manager.ManagerProtocol.Shutdown;
import dev.multiproc.internal.manager.ManagerProtocol.Value;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The manager process's server: owns the managed objects and applies proxies' operations to them.
 *
 * <p>Overview: a {@link Listener} accepts authenticated connections; each connection gets a virtual
 * thread that reads one request at a time, applies it and answers. Proxies open one connection per
 * client thread, so a thread's calls are applied in its program order, and a lock taken through a
 * connection is owned by that connection's server thread (released when the connection ends: a
 * client process that dies holding a managed lock does not block the others). Every operation on an
 * object runs under that object's monitor, so each is atomic and all of an object's operations
 * form one total order (linearizable); blocking queue and lock operations wait outside it.
 * Answers are serialized copies, never live views.
 */
public final class ManagerServer {
  private final Map<Long, Object> objects = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final CountDownLatch shutdown = new CountDownLatch(1);

  private ManagerServer() {}

  /**
   * Serves until a {@link Shutdown} request arrives (or the process is killed).
   *
   * @param address where to listen
   * @param key the authentication key
   * @throws Exception if the address cannot be bound
   */
  public static void serve(SocketAddress address, byte[] key) throws Exception {
    ManagerServer server = new ManagerServer();
    Listener listener = Listener.open(address, key);
    Thread acceptor;
    try {
      acceptor = Thread.ofPlatform().daemon().name("multiproc-manager-accept").start(() -> server.acceptLoop(listener));
      server.shutdown.await();
    } finally {
      listener.close(); // ends the accept loop
    }
    acceptor.join(1000);
  }

  private void acceptLoop(Listener listener) {
    for (;;) {
      Connection c;
      try {
        c = listener.accept();
      } catch (AuthenticationException e) {
        continue; // a peer without the key: refused, keep serving
      } catch (IOException | InterruptedException e) {
        return; // closed
      }
      Thread.ofVirtual().name("multiproc-manager-client").start(() -> serveConnection(c));
    }
  }

  private void serveConnection(Connection c) {
    List<ReentrantLock> held = new ArrayList<>();
    try (c) {
      for (;;) {
        Object request = c.recv();
        Answer answer;
        try {
          answer = new Value(handle(request, held));
        } catch (Exception | LinkageError | AssertionError e) {
          answer = new Failure(e);
        }
        c.send(answer);
        if (request instanceof Shutdown) {
          shutdown.countDown();
          return;
        }
      }
    } catch (EOFException e) {
      // the client closed or died
    } catch (IOException | InterruptedException | RuntimeException e) {
      // a broken connection ends only itself
    } finally {
      for (ReentrantLock lock : held) {
        while (lock.isHeldByCurrentThread()) {
          lock.unlock(); // the client went away holding it
        }
      }
    }
  }

  private Object handle(Object request, List<ReentrantLock> held) throws Exception {
    return switch (request) {
      case Create(var kind, var initial) -> create(kind, initial);
      case Call(long id, var op, Object[] args) -> apply(object(id), op, args, held);
      case Shutdown s -> null;
      default -> throw new IllegalArgumentException("not a manager request: " + request);
    };
  }

  @SuppressWarnings("unchecked")
  private long create(ManagerProtocol.ObjectKind kind, Object initial) {
    Object o =
        switch (kind) {
          case DICT, NAMESPACE -> initial == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<Object, Object>) initial);
          case LIST -> initial == null ? new ArrayList<>() : new ArrayList<>((Collection<Object>) initial);
          case VALUE -> new Object[] {initial};
          case LOCK -> new ReentrantLock();
          case QUEUE -> new LinkedBlockingQueue<>();
        };
    long id = ids.incrementAndGet();
    objects.put(id, o);
    return id;
  }

  private Object object(long id) {
    Object o = objects.get(id);
    if (o == null) {
      throw new IllegalArgumentException("the manager holds no object " + id);
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static Object apply(Object target, ManagerProtocol.Op op, Object[] a, List<ReentrantLock> held) throws Exception {
    switch (target) {
      case LinkedHashMap<?, ?> raw -> {
        Map<Object, Object> m = (Map<Object, Object>) raw;
        synchronized (m) {
          return switch (op) {
            case SIZE -> m.size();
            case GET -> m.get(a[0]);
            case PUT -> m.put(a[0], a[1]);
            case REMOVE -> m.remove(a[0]);
            case CONTAINS_KEY -> m.containsKey(a[0]);
            case CLEAR -> {
              m.clear();
              yield null;
            }
            case SNAPSHOT -> new LinkedHashMap<>(m);
            case COMPUTE -> m.compute(a[0], (SerializableBiFunction<Object, Object, Object>) a[1]);
            default -> throw unsupported(op, "dict");
          };
        }
      }
      case ArrayList<?> raw -> {
        List<Object> l = (List<Object>) raw;
        synchronized (l) {
          return switch (op) {
            case SIZE -> l.size();
            case GET -> l.get((Integer) a[0]);
            case LIST_SET -> l.set((Integer) a[0], a[1]);
            case LIST_ADD -> {
              int i = (Integer) a[0];
              if (i < 0) {
                l.add(a[1]); // append in one step
              } else {
                l.add(i, a[1]);
              }
              yield null;
            }
            case LIST_REMOVE -> l.remove((int) (Integer) a[0]);
            case CLEAR -> {
              l.clear();
              yield null;
            }
            case SNAPSHOT -> new ArrayList<>(l);
            case LIST_UPDATE -> {
              int i = (Integer) a[0];
              Object v = ((SerializableFunction<Object, Object>) a[1]).apply(l.get(i));
              l.set(i, v);
              yield v;
            }
            default -> throw unsupported(op, "list");
          };
        }
      }
      case Object[] cell -> {
        synchronized (cell) {
          return switch (op) {
            case VALUE_GET -> cell[0];
            case VALUE_SET -> {
              Object old = cell[0];
              cell[0] = a[0];
              yield old;
            }
            case VALUE_UPDATE -> cell[0] = ((SerializableFunction<Object, Object>) a[0]).apply(cell[0]);
            default -> throw unsupported(op, "value");
          };
        }
      }
      case ReentrantLock lock -> {
        return switch (op) {
          case LOCK -> {
            lock.lockInterruptibly();
            held.add(lock);
            yield true;
          }
          case TRY_LOCK -> {
            boolean got = lock.tryLock((Long) a[0], TimeUnit.NANOSECONDS);
            if (got) {
              held.add(lock);
            }
            yield got;
          }
          case UNLOCK -> {
            lock.unlock(); // IllegalMonitorStateException if this client does not hold it
            held.remove(lock);
            yield null;
          }
          default -> throw unsupported(op, "lock");
        };
      }
      case LinkedBlockingQueue<?> raw -> {
        LinkedBlockingQueue<Object> q = (LinkedBlockingQueue<Object>) raw;
        return switch (op) {
          case QUEUE_PUT -> {
            q.put(a[0]);
            yield null;
          }
          case QUEUE_POLL -> (Long) a[0] < 0 ? q.take() : q.poll((Long) a[0], TimeUnit.NANOSECONDS);
          case SIZE -> q.size();
          default -> throw unsupported(op, "queue");
        };
      }
      default -> throw new IllegalStateException("unknown managed object " + target.getClass());
    }
  }

  private static UnsupportedOperationException unsupported(ManagerProtocol.Op op, String kind) {
    return new UnsupportedOperationException(op + " is not an operation of a managed " + kind);
  }
}
