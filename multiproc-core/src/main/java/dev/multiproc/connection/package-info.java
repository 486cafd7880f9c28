/**
 * Message channels between processes: Python's {@code multiprocessing.Pipe} and {@code
 * multiprocessing.connection} ({@code Listener}, {@code Client}, {@code Connection}).
 *
 * <p>{@link dev.multiproc.connection.Pipe} connects processes of one machine through shared memory;
 * {@link dev.multiproc.connection.Listener} and {@link dev.multiproc.connection.Client} connect any
 * two processes through a Unix-domain or TCP socket after a mutual HMAC-SHA256 challenge on a shared
 * key, refusing peers without it.
 */
package dev.multiproc.connection;
