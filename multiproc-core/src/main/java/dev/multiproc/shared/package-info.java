/**
 * Shared memory and cross-process synchronization: Python's {@code multiprocessing.Value}, {@code
 * Array}, {@code shared_memory.SharedMemory}, {@code Lock}, {@code RLock}, {@code Semaphore},
 * {@code BoundedSemaphore}, {@code Event}, {@code Condition} and {@code Barrier}, for processes
 * <em>and</em> threads.
 *
 * <h2>Python to Multiproc</h2>
 * <table class="striped">
 * <caption>Equivalents</caption>
 * <thead><tr><th>Python</th><th>Multiproc</th></tr></thead>
 * <tbody>
 * <tr><td>{@code Value('i', 0)}, {@code Value('q')}, {@code Value('d')}</td>
 *     <td>{@link dev.multiproc.shared.SharedInt#create SharedInt.create(0)}, {@link
 *     dev.multiproc.shared.SharedLong}, {@link dev.multiproc.shared.SharedDouble}</td></tr>
 * <tr><td>{@code Array('i', n)}</td><td>{@link dev.multiproc.shared.SharedIntArray#create
 *     SharedIntArray.create(n)} (also long, double)</td></tr>
 * <tr><td>{@code with v.get_lock(): v.value += 1}</td>
 *     <td>{@code v.getLock().lock(); try { v.set(v.get() + 1); } finally { v.getLock().unlock(); }}
 *     — or atomically: {@code v.incrementAndGet()}</td></tr>
 * <tr><td>{@code shared_memory.SharedMemory(create=True, size=n)}, {@code SharedMemory(name)}</td>
 *     <td>{@link dev.multiproc.shared.SharedMemory#create SharedMemory.create(n)}, {@link
 *     dev.multiproc.shared.SharedMemory#attach SharedMemory.attach(name)}</td></tr>
 * <tr><td>{@code Lock()}, {@code RLock()}</td><td>{@link dev.multiproc.shared.ProcessLock#create
 *     ProcessLock.create()}, {@link dev.multiproc.shared.ProcessReentrantLock#create
 *     ProcessReentrantLock.create()}</td></tr>
 * <tr><td>{@code Semaphore(n)}, {@code BoundedSemaphore(n)}</td><td>{@link
 *     dev.multiproc.shared.ProcessSemaphore#create ProcessSemaphore.create(n)}, {@link
 *     dev.multiproc.shared.ProcessSemaphore#createBounded createBounded(n)}</td></tr>
 * <tr><td>{@code Event()}</td><td>{@link dev.multiproc.shared.ProcessEvent#create ProcessEvent.create()}</td></tr>
 * <tr><td>{@code Condition(lock)}</td><td>{@link dev.multiproc.shared.ProcessCondition#create
 *     ProcessCondition.create(lock)} or {@code lock.newCondition()}</td></tr>
 * <tr><td>{@code Barrier(n)}</td><td>{@link dev.multiproc.shared.ProcessBarrier#create ProcessBarrier.create(n)}</td></tr>
 * </tbody>
 * </table>
 *
 * <h2>Passing them to other processes</h2>
 * Every type here is {@link java.io.Serializable} as a <em>handle</em> (its segment's name and
 * kind): pass it as an argument to {@code ChildProcess.of(...)}, capture it in a pool task, and the
 * receiving JVM attaches the same memory. Within one JVM every handle to an object resolves to the
 * same Java object, so a lock's thread ownership is consistent.
 *
 * <h2>Memory consistency across processes</h2>
 * The Java Memory Model speaks of threads; here its rules extend to threads of different processes
 * that share a segment, because every operation is a {@code VarHandle} access in volatile or
 * compare-and-set mode on the same physical memory (x86-64 keeps such accesses sequentially
 * consistent across mappings):
 * <ul>
 *   <li>A write by {@code set}, {@code getAndAdd}, {@code compareAndSet} (and the other atomic
 *       operations) of a shared value happens-before every read, in any process, that sees it.
 *   <li>Actions of a thread before it unlocks a {@link dev.multiproc.shared.ProcessLock} or {@link
 *       dev.multiproc.shared.ProcessReentrantLock} happen-before actions of the thread, in any
 *       process, that acquires it next — including plain writes to a {@link
 *       dev.multiproc.shared.SharedMemory} segment.
 *   <li>Actions before {@link dev.multiproc.shared.ProcessSemaphore#release()} happen-before
 *       actions after the {@code acquire} that takes the permit; actions before {@link
 *       dev.multiproc.shared.ProcessEvent#set()} happen-before the return of an {@code await} that
 *       observes it; actions of every party before {@link dev.multiproc.shared.ProcessBarrier#await()}
 *       happen-before the return of every party's {@code await} of the same round.
 *   <li>Passing an object to a child process happens-before the child's first use of it (the child
 *       attaches after the parent's writes reached the segment).
 * </ul>
 *
 * <h2>Blocking, crashes and virtual threads</h2>
 * Waiting spins briefly, then sleeps on a shared Linux futex; every blocking call has a timed form.
 * Virtual threads never sleep in the kernel (that would pin their carrier): they park with
 * back-off. Locks record their owner's pid and start time: when the owner process dies, the next
 * acquirer gets the lock and is told ({@link dev.multiproc.shared.LockAcquisition#ACQUIRED_OWNER_DIED}).
 * A barrier breaks when a process that uses it dies. Segments are files in {@code /dev/shm}
 * ({@code multiproc-shm-*}), removed with their last live user; those left by killed processes are
 * reclaimed by the next Multiproc process that creates one.
 *
 * <h2>Limits</h2>
 * Linux only ({@code /dev/shm}, {@code /proc}, futex on x86-64 and AArch64; other architectures poll). All
 * processes sharing an object must see the same pids (one pid namespace): liveness is read from
 * {@code /proc}. A segment can be attached by at most 64 live processes at once. A thread that dies
 * holding a lock while its process lives is not detected, as with {@code ReentrantLock}.
 */
package dev.multiproc.shared;
