package dev.panamax.internal;

import dev.panamax.Backend;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native memory behind one tensor, and the only place that frees it.
 *
 * <p>Ops lease an allocation for the duration of a call ({@link #acquire}/{@link #release}); a
 * close that arrives while a lease is held marks the allocation closed at once (new leases fail
 * with {@link IllegalStateException}) and frees the memory when the last lease ends. So a
 * tensor closed by another thread, by its device, or by the cleaner never frees memory that a
 * running kernel reads. This object is also the tensor's cleaner action, and so holds no
 * reference to the tensor.
 */
public final class Allocation implements Runnable {
    private static final Map<Backend, AtomicLong> LIVE_COUNT = new EnumMap<>(Backend.class);
    private static final Map<Backend, AtomicLong> LIVE_BYTES = new EnumMap<>(Backend.class);

    static {
        for (Backend b : Backend.values()) {
            LIVE_COUNT.put(b, new AtomicLong());
            LIVE_BYTES.put(b, new AtomicLong());
        }
    }

    private final BackendDevice device;
    private final Memory memory;        // null for an empty tensor
    private final Set<Allocation> owner; // the open set of the device handle that made it
    private int leases;
    private boolean closed;
    private boolean freed;

    private Allocation(BackendDevice device, Memory memory, Set<Allocation> owner) {
        this.device = device;
        this.memory = memory;
        this.owner = owner;
    }

    /** Allocates {@code bytes} on {@code device} (nothing when 0) and records it in {@code owner}. */
    static Allocation allocate(BackendDevice device, long bytes, Set<Allocation> owner) {
        Memory memory = bytes == 0 ? null : device.allocate(bytes);
        Allocation a = new Allocation(device, memory, owner);
        if (memory != null) {
            LIVE_COUNT.get(device.backend()).incrementAndGet();
            LIVE_BYTES.get(device.backend()).addAndGet(memory.byteSize());
        }
        owner.add(a);
        return a;
    }

    public BackendDevice device() {
        return device;
    }

    /** The memory, or null for an empty tensor. Valid only while a lease is held. */
    public Memory memory() {
        return memory;
    }

    /**
     * Takes a lease; the memory stays allocated until {@link #release()}.
     *
     * @throws IllegalStateException if the allocation is closed; {@code what} names it
     */
    public synchronized void acquire(String what) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        leases++;
    }

    public void release() {
        boolean free;
        synchronized (this) {
            leases--;
            free = closed && leases == 0 && !freed;
            if (free) {
                freed = true;
            }
        }
        if (free) {
            doFree();
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes: frees now, or when the last lease ends. Idempotent; the cleaner calls it too. */
    @Override
    public void run() {
        boolean free;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            free = leases == 0;
            if (free) {
                freed = true;
            }
        }
        if (free) {
            doFree();
        }
    }

    private void doFree() {
        owner.remove(this);
        if (memory != null) {
            long bytes = memory.byteSize();
            device.free(memory);
            LIVE_COUNT.get(device.backend()).decrementAndGet();
            LIVE_BYTES.get(device.backend()).addAndGet(-bytes);
        }
    }

    /** Allocations of {@code backend} made and not yet freed, in this JVM (for leak tests and tools). */
    public static long liveCount(Backend backend) {
        return LIVE_COUNT.get(backend).get();
    }

    /** Bytes of {@code backend} allocated and not yet freed, in this JVM. */
    public static long liveBytes(Backend backend) {
        return LIVE_BYTES.get(backend).get();
    }
}
