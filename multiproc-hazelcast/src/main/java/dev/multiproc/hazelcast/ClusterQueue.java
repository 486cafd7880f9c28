package dev.multiproc.hazelcast;

import com.hazelcast.collection.IQueue;
import dev.multiproc.hazelcast.internal.SharedClients;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BlockingQueue} shared by every process of a cluster — the caller and the tasks running
 * in the members' worker JVMs (Python's {@code multiprocessing.Queue}, across machines). Unbounded;
 * elements must be serializable. Serializable itself: pass it to tasks; it reconnects where it
 * arrives (one Hazelcast client per JVM and cluster, opened on first use). In the caller, {@link
 * ClusterPool#closeSharedObjects()} closes that connection when the program is done with it.
 *
 * <p><b>Guarantees.</b> A Hazelcast {@code IQueue}: one partition owns the queue, FIFO, each
 * element taken once, copied to a backup, so it survives the loss of one member. It is
 * <em>not</em> linearizable under a network split: both sides keep a copy and accept offers and
 * takes, and when the split heals one side's contents win — elements can be lost or delivered
 * twice. Every operation is a network round trip; {@link #iterator()} iterates over a snapshot.
 *
 * {@snippet :
 * BlockingQueue<String> results = ClusterQueue.of(config, "results");
 * pool.applyAsync(() -> { results.put(compute()); return null; });
 * String first = results.take();
 * }
 *
 * @param <E> the element type
 */
public final class ClusterQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final String clusterUri;
  private final String name;

  private ClusterQueue(String clusterUri, String name) {
    this.clusterUri = clusterUri;
    this.name = name;
  }

  /**
   * The queue {@code name} of a cluster.
   *
   * @param config where the cluster is
   * @param name the queue's name; the same name is the same queue everywhere in the cluster
   * @param <E> the element type
   * @return the queue
   */
  public static <E> ClusterQueue<E> of(ClusterConfig config, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a ClusterQueue needs a name");
    }
    return new ClusterQueue<>(Objects.requireNonNull(config, "config").toUri(), name);
  }

  private IQueue<E> queue() {
    return SharedClients.get(clusterUri).getQueue(name);
  }

  @Override
  public boolean offer(E e) {
    return queue().offer(e);
  }

  @Override
  public void put(E e) throws InterruptedException {
    queue().put(e);
  }

  @Override
  public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
    return queue().offer(e, timeout, unit);
  }

  @Override
  public E take() throws InterruptedException {
    return queue().take();
  }

  @Override
  public E poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue().poll(timeout, unit);
  }

  @Override
  public E poll() {
    return queue().poll();
  }

  @Override
  public E peek() {
    return queue().peek();
  }

  @Override
  public int size() {
    return queue().size();
  }

  @Override
  public int remainingCapacity() {
    return queue().remainingCapacity();
  }

  @Override
  public int drainTo(Collection<? super E> c) {
    return queue().drainTo(c);
  }

  @Override
  public int drainTo(Collection<? super E> c, int maxElements) {
    return queue().drainTo(c, maxElements);
  }

  /** {@return an iterator over a snapshot of the queue; its {@code remove} is not supported} */
  @Override
  public Iterator<E> iterator() {
    return java.util.List.copyOf(queue()).iterator();
  }

  /** {@return the queue's name} */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "ClusterQueue[" + name + "]";
  }
}
