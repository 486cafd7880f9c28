/**
 * Multiproc on Hazelcast: the same {@code Pool}, executor and MapReduce jobs on the members of a
 * cluster. Exports only {@code dev.multiproc.hazelcast} (connect, start a member); no Hazelcast
 * type appears in it. Hazelcast itself is an automatic module ({@code com.hazelcast.core}).
 */
module dev.multiproc.hazelcast {
  requires transitive dev.multiproc;
  requires com.hazelcast.core;
  requires java.logging;

  exports dev.multiproc.hazelcast;

  provides dev.multiproc.spi.PoolBackendProvider with dev.multiproc.hazelcast.internal.HazelcastBackendProvider;
}
