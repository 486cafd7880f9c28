/**
 * Serializable functional interfaces: the shapes of code Multiproc runs in other JVMs.
 *
 * <p>Taking these types (rather than {@link java.util.function.Function} and friends) lets javac
 * compile a lambda as serializable, so user code needs no casts, and a lambda whose target type is
 * not serializable is a compile error rather than a runtime surprise.
 */
package dev.multiproc.function;
