package dev.multiproc.function;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to another JVM. Lambdas and method references whose target
 * type is this interface are serialized by javac-generated code, so
 * {@code ChildProcess.of(() -> fib(30))} needs no cast.
 *
 * <p>Everything the lambda captures must be serializable too; otherwise starting the process fails
 * with a {@link dev.multiproc.TaskNotSerializableException} naming the captured type.
 *
 * @param <V> the result type
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {}
