/**
 * The codec SPI: how values cross between JVMs.
 *
 * <p>{@link dev.multiproc.codec.JavaSerializationCodec} is the default. Implement
 * {@link dev.multiproc.codec.Codec} to use another serializer; every process of a pool or child
 * process uses the same codec class.
 */
package dev.multiproc.codec;
