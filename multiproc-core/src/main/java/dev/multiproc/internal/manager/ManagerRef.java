package dev.multiproc.internal.manager;

import dev.multiproc.MultiprocException;
import dev.multiproc.connection.Client;
import dev.multiproc.connection.Connection;
import dev.multiproc.internal.manager.ManagerProtocol.Failure;
import dev.multiproc.internal.manager.ManagerProtocol.Request;
import dev.multiproc.internal.manager.ManagerProtocol.Value;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How a proxy reaches its manager: the address and key, serializable with the proxy, and this
 * thread's connection to it (opened on first use; one per thread and manager, so a thread's calls
 * are applied in order and a blocking call holds up no other thread).
 *
 * @param address the manager's address
 * @param key its authentication key
 */
public record ManagerRef(SocketAddress address, byte[] key) implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private static final ThreadLocal<Map<ManagerRef, Connection>> CONNECTIONS = ThreadLocal.withInitial(HashMap::new);

  /**
   * Sends a request and waits for the answer.
   *
   * @param request the request
   * @return the manager's result
   * @throws MultiprocException if the manager cannot be reached; the operation's own exception
   *     (rethrown as is when unchecked, else wrapped) if it failed in the manager
   */
  public Object call(Request request) {
    Map<ManagerRef, Connection> mine = CONNECTIONS.get();
    Connection c = mine.get(this); // keyed by address and key: another key never reuses this connection
    try {
      if (c == null || c.isClosed()) {
        c = Client.connect(address, key);
        mine.put(this, c);
      }
      c.send(request);
      Object answer = c.recv();
      return switch (answer) {
        case Value(Object v) -> v;
        case Failure(Throwable t) when t instanceof RuntimeException r -> throw r;
        case Failure(Throwable t) when t instanceof Error e -> throw e;
        case Failure(Throwable t) -> throw new MultiprocException("the manager's operation failed: " + t, t);
        default -> throw new MultiprocException("the manager sent " + answer);
      };
    } catch (IOException e) {
      mine.remove(this);
      if (c != null) {
        c.close();
      }
      throw new MultiprocException("cannot reach the manager at " + address + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      // The request may be applied or not: the connection's state is unknown, so drop it.
      mine.remove(this);
      if (c != null) {
        c.close();
      }
      Thread.currentThread().interrupt();
      throw new MultiprocException("interrupted while waiting for the manager", e);
    }
  }

  /**
   * Calls an operation on an object.
   *
   * @param id the object
   * @param op the operation
   * @param args its arguments
   * @return the result
   */
  public Object call(long id, ManagerProtocol.Op op, Object... args) {
    return call(new ManagerProtocol.Call(id, op, args));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagerRef r && r.address.equals(address) && java.util.Arrays.equals(r.key, key);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  @Override
  public String toString() {
    return "ManagerRef[" + address + "]";
  }
}
