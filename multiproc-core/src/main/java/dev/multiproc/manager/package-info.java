/**
 * A manager process owning shared dicts, lists, namespaces, values, locks and queues, reached
 * through proxies from any process — on this machine or, with the key, another one: Python's
 * {@code multiprocessing.Manager()}. See {@link dev.multiproc.manager.Manager} for the consistency
 * model and how nested changes behave.
 */
package dev.multiproc.manager;
