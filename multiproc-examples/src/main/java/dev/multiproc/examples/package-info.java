/** Programs that mirror Python's multiprocessing and concurrent.futures examples. */
package dev.multiproc.examples;
