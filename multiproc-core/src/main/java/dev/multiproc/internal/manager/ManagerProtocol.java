package dev.multiproc.internal.manager;

import java.io.Serial;
import java.io.Serializable;

/**
 * The messages between manager proxies and the manager process, one request and one answer at a
 * time per connection. Sent with {@code Connection.send} (JDK serialization behind Multiproc's
 * filter), after the connection's HMAC handshake.
 */
public final class ManagerProtocol {
  private ManagerProtocol() {}

  /** What a proxy sends. */
  public sealed interface Request extends Serializable permits Create, Call, Shutdown {}

  /** What the manager answers. */
  public sealed interface Answer extends Serializable permits Value, Failure {}

  /**
   * Create a managed object.
   *
   * @param kind what to create
   * @param initial its initial contents or value (may be null)
   */
  public record Create(ObjectKind kind, Object initial) implements Request {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * Apply an operation to a managed object.
   *
   * @param id the object
   * @param op the operation
   * @param args its arguments
   */
  public record Call(long id, Op op, Object... args) implements Request {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** Stop the manager process. */
  public record Shutdown() implements Request {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * A result.
   *
   * @param value the result (a copy of the manager's data, never a live view)
   */
  public record Value(Object value) implements Answer {
    @Serial private static final long serialVersionUID = 1L;
  }

  /**
   * The operation threw in the manager.
   *
   * @param error its exception, rethrown by the proxy
   */
  public record Failure(Throwable error) implements Answer {
    @Serial private static final long serialVersionUID = 1L;
  }

  /** The kinds of managed objects. */
  public enum ObjectKind {
    DICT,
    LIST,
    NAMESPACE,
    VALUE,
    LOCK,
    QUEUE
  }

  /** Operations; each applies to the kinds its name says. */
  public enum Op {
    SIZE,
    GET,
    PUT,
    REMOVE,
    CONTAINS_KEY,
    CLEAR,
    SNAPSHOT,
    COMPUTE,
    LIST_ADD,
    LIST_SET,
    LIST_REMOVE,
    LIST_UPDATE,
    VALUE_GET,
    VALUE_SET,
    VALUE_UPDATE,
    LOCK,
    TRY_LOCK,
    UNLOCK,
    QUEUE_PUT,
    QUEUE_POLL
  }
}
