/**
 * The backend SPI: where a {@link dev.multiproc.Pool}'s tasks run. Users write {@code Pool},
 * {@code ProcessPoolExecutor} and MapReduce code; a backend decides whether the tasks go to this
 * machine's worker JVMs (the default) or to the members of a cluster (the {@code
 * multiproc-hazelcast} module). Implement {@link dev.multiproc.spi.PoolBackend} and, to make a
 * backend selectable by URI ({@code Pool.builder().cluster("hazelcast://host:5701")}), register a
 * {@link dev.multiproc.spi.PoolBackendProvider} with {@link java.util.ServiceLoader}.
 */
package dev.multiproc.spi;
