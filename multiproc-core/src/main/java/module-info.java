/**
 * Multiproc core: child JVM processes, the worker protocol and codecs.
 *
 * <p>Exports only the user-facing packages; launch, protocol and worker code stay internal.
 */
module dev.multiproc {
  requires jdk.unsupported; // sun.misc.Signal: report SIGTERM to the parent before exiting

  exports dev.multiproc;
  exports dev.multiproc.codec;
  exports dev.multiproc.function;
  exports dev.multiproc.mapreduce;
  exports dev.multiproc.queue;
  exports dev.multiproc.connection;
  exports dev.multiproc.manager;
  exports dev.multiproc.shared;
  exports dev.multiproc.spi;

  uses dev.multiproc.spi.PoolBackendProvider; // Pool.Builder.cluster(uri): hazelcast:// and other backends
}
