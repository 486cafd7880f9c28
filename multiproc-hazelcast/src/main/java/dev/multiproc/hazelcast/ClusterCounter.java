package dev.multiproc.hazelcast;

import dev.multiproc.hazelcast.internal.SharedClients;
import java.io.Serial;

/**
 * A {@code long} counter shared by every process of a cluster — the caller and the tasks running
 * in the members' worker JVMs: the cluster's {@code SharedLong}, with the same method names.
 * Serializable: pass it to tasks as an argument or capture it; it reconnects where it arrives
 * (one Hazelcast client per JVM and cluster, opened on first use). In the caller, {@link
 * ClusterPool#closeSharedObjects()} closes that connection when the program is done with it.
 *
 * <p><b>Consistency.</b> Each operation is one entry processor on the partition that owns the
 * counter's key: atomic, applied once, and copied to a backup before it returns, so concurrent
 * increments from any number of processes are never lost while the cluster is whole, and survive
 * the loss of one member. It is <em>not</em> linearizable under a network split: both sides keep
 * a copy and accept updates, and when the split heals one side's value wins and the other's
 * updates are lost. Hazelcast's linearizable {@code IAtomicLong} (its CP subsystem) is
 * Enterprise-only; do not make correctness depend on this counter surviving a split.
 *
 * <p>Cost: a network round trip per operation (a local {@code SharedLong} takes nanoseconds).
 *
 * {@snippet :
 * ClusterCounter done = ClusterCounter.of(config, "pages-done");
 * pool.map(page -> { process(page); return done.incrementAndGet(); }, pages);
 * }
 */
public final class ClusterCounter extends NamedClusterObject<Long> {
  @Serial private static final long serialVersionUID = 1L;

  private ClusterCounter(ClusterConfig config, String name) {
    super(config, name, "multiproc.counters");
  }

  /**
   * The counter {@code name} of a cluster (created at 0 on first use).
   *
   * @param config where the cluster is
   * @param name the counter's name; the same name is the same counter everywhere in the cluster
   * @return the counter
   */
  public static ClusterCounter of(ClusterConfig config, String name) {
    return new ClusterCounter(config, name);
  }

  /** {@return the current value} */
  public long get() {
    Long value = map().get(name());
    return value == null ? 0 : value;
  }

  /**
   * Sets the value.
   *
   * @param value the new value
   */
  public void set(long value) {
    map().set(name(), value);
  }

  /**
   * Adds atomically.
   *
   * @param delta the amount
   * @return the new value
   */
  public long addAndGet(long delta) {
    return map().executeOnKey(name(), new SharedClients.Add(delta));
  }

  /**
   * Adds atomically.
   *
   * @param delta the amount
   * @return the previous value
   */
  public long getAndAdd(long delta) {
    return addAndGet(delta) - delta;
  }

  /** {@return the value after adding one, atomically} */
  public long incrementAndGet() {
    return addAndGet(1);
  }

  /**
   * Sets the value to {@code update} if it is {@code expect}, atomically.
   *
   * @param expect the expected value
   * @param update the new value
   * @return whether it was set
   */
  public boolean compareAndSet(long expect, long update) {
    return map().executeOnKey(name(), new SharedClients.CompareAndSet(expect, update));
  }
}
