package dev.multiproc.function;

import java.io.Serializable;
import java.util.function.BinaryOperator;

/**
 * A {@link BinaryOperator} that can be sent to another JVM, e.g. the reducer of a MapReduce job.
 *
 * @param <T> the operand and result type
 */
@FunctionalInterface
public interface SerializableBinaryOperator<T> extends BinaryOperator<T>, Serializable {}
