package dev.panamax.internal;

import dev.panamax.Backend;
import dev.panamax.DeviceOutOfMemoryException;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native memory behind one tensor and its views, and the only place that frees it.
 *
 * <p>Two counts keep it allocated. <b>Tensors</b>: every open tensor on it (the one it was
 * allocated for, and each view of it) holds a {@link Ref}; closing a tensor (or its cleaner, once
 * it is unreachable) closes its ref, and the last ref to close closes the allocation, so closing a
 * base keeps the memory for its open views. <b>Leases</b>: ops lease the allocation for the
 * duration of a call ({@link #acquire}/{@link #release}), through the ref of the tensor they were
 * given. Once closed (its last ref closed, or {@link #run} from the device handle's close, which
 * closes every tensor on it at once), new leases and refs fail with {@link IllegalStateException}
 * and the memory is freed when the last lease ends. So a tensor closed by another thread, by its
 * device, or by the cleaner never frees memory that a running kernel reads, and the memory is
 * freed exactly once.
 *
 * <p>Neither this object nor a ref holds a reference to a tensor: a ref is its tensor's cleaner
 * action.
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
    private int tensors;  // refs not yet closed
    private int leases;
    private boolean closed;
    private boolean freed;

    /**
     * One tensor's hold on the allocation: open until the tensor closes (or its device, which
     * closes the allocation itself). The tensor's cleaner action; holds no reference to the tensor.
     * Its state is guarded by the allocation's lock.
     */
    public static final class Ref implements Runnable {
        private final Allocation allocation;
        private boolean closed;

        private Ref(Allocation allocation) {
            this.allocation = allocation;
        }

        /** Whether the tensor of this ref is closed: by itself, or with every tensor of the allocation. */
        public boolean isClosed() {
            synchronized (allocation) {
                return closed || allocation.closed;
            }
        }

        /** Closes the tensor's hold; idempotent. The last one closes the allocation. */
        @Override
        public void run() {
            allocation.close(this);
        }
    }

    private Allocation(BackendDevice device, Memory memory, Set<Allocation> owner) {
        this.device = device;
        this.memory = memory;
        this.owner = owner;
    }

    /**
     * Allocates {@code bytes} on {@code device} (nothing when 0) and records it in {@code owner};
     * the allocation has no tensor yet: take the first ref with {@link #firstRef}.
     */
    static Allocation allocate(BackendDevice device, long bytes, Set<Allocation> owner) {
        Memory memory = bytes == 0 ? null : allocateOrCollect(device, bytes);
        Allocation a = new Allocation(device, memory, owner);
        if (memory != null) {
            LIVE_COUNT.get(device.backend()).incrementAndGet();
            collectIfGrown(device, LIVE_BYTES.get(device.backend()).addAndGet(memory.byteSize()));
        }
        owner.add(a);
        return a;
    }

    /** Growth of a backend's live bytes that runs the GC: see {@link #collectIfGrown}. */
    static final long GC_STEP = 1L << 30;
    private static final Map<Backend, AtomicLong> COLLECT_AT = new EnumMap<>(Backend.class);

    static {
        for (Backend b : Backend.values()) {
            COLLECT_AT.put(b, new AtomicLong(GC_STEP));
        }
    }

    /**
     * Tensors dropped without {@code close()} hold device memory until the GC finds them, and the
     * Java heap they take is tiny, so the GC may not run for gigabytes of them. When a backend's live
     * bytes pass a mark, run the GC (its Cleaner then frees what was dropped) and set the next
     * mark at twice the live bytes, at least {@link #GC_STEP} above them: memory stays within about
     * twice what the callers hold, plus a step, and the GC runs a logarithmic number of times while
     * what is held grows.
     */
    private static void collectIfGrown(BackendDevice device, long live) {
        Backend backend = device.backend();
        AtomicLong mark = COLLECT_AT.get(backend);
        long at = mark.get();
        long next = live + Math.max(GC_STEP, live);
        if (live > at && mark.compareAndSet(at, next)) {
            System.gc();
            device.synchronize(); // a driver's release waits for the work queued on the buffer
            long after = awaitCleaner(backend);
            // the mark from what is held once the Cleaner has freed what the GC found, not from
            // the dropped bytes counted before it (else a lagging Cleaner lets the next mark double)
            mark.compareAndSet(next, Math.min(next, after + Math.max(GC_STEP, after)));
        }
    }

    /** Longest wait for the Cleaner after a collection: a few per doubling of what is held. */
    private static final long CLEANER_WAIT_NANOS = 200_000_000L;

    /**
     * After {@code System.gc()}: waits while the Cleaner is still freeing what the collection found
     * (the backend's live bytes falling), until they have stood still for 3 ms or
     * {@link #CLEANER_WAIT_NANOS} has passed; returns the live bytes then. A caller that holds all
     * it allocated waits about 3 ms. Without the device's synchronize before it and this wait, the
     * thread that dropped the tensors went on queueing work and allocating while the one Cleaner
     * thread waited on the queue to free them: 6,000 dropped MiB on opencl:0 peaked at 2.5 to
     * 3.4 GiB with nothing held (once past the test's 3 GiB bound); with both, at 1.0 GiB.
     */
    private static long awaitCleaner(Backend backend) {
        AtomicLong liveBytes = LIVE_BYTES.get(backend);
        long deadline = System.nanoTime() + CLEANER_WAIT_NANOS;
        long last = liveBytes.get();
        int still = 0;
        while (still < 3 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = liveBytes.get();
            if (now < last) {
                last = now;
                still = 0;
            } else {
                still++;
            }
        }
        return liveBytes.get();
    }

    /** After a free: brings the mark back down when what is live has shrunk well below it. */
    private static void lowerMark(Backend backend, long live) {
        AtomicLong mark = COLLECT_AT.get(backend);
        long at = mark.get();
        long wanted = live + Math.max(GC_STEP, live);
        if (wanted < at / 2) {
            mark.compareAndSet(at, wanted);
        }
    }

    /** Collections an allocation that failed waits for before it gives up (about half a second in all). */
    private static final int RETRIES = 9;

    /**
     * {@code device.allocate(bytes)}; when the device is out of memory, tensors dropped without
     * {@code close()} may be holding it until the GC finds them and the Cleaner frees them: run the
     * GC, give the Cleaner time (1, 2, 4, ... ms), wait for the device's queued work (a driver
     * frees a released buffer only after the work queued on it) and try again, as the JDK does for
     * direct buffers, before the {@link DeviceOutOfMemoryException} reaches the caller.
     */
    private static Memory allocateOrCollect(BackendDevice device, long bytes) {
        try {
            return device.allocate(bytes);
        } catch (DeviceOutOfMemoryException first) {
            long sleep = 1;
            for (int attempt = 0; attempt < RETRIES; attempt++, sleep *= 2) {
                System.gc();
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw first;
                }
                try {
                    device.synchronize(); // frees a driver defers until the queued work is done happen now
                    return device.allocate(bytes);
                } catch (DeviceOutOfMemoryException again) {
                    // still short: collect again, waiting longer
                }
            }
            throw first;
        }
    }

    /**
     * The ref of the tensor the allocation was made for (born closed if the device handle closed
     * the allocation in the meantime).
     */
    synchronized Ref firstRef() {
        tensors = 1;
        return new Ref(this);
    }

    /**
     * A ref for a new view of the tensor holding {@code parent}.
     *
     * @throws IllegalStateException if that tensor is closed; {@code what} names it
     */
    synchronized Ref viewRef(Ref parent, String what) {
        if (parent.closed || closed) {
            throw new IllegalStateException(what + " is closed");
        }
        tensors++;
        return new Ref(this);
    }

    public BackendDevice device() {
        return device;
    }

    /** The memory, or null for an empty tensor. Valid only while a lease is held. */
    public Memory memory() {
        return memory;
    }

    /**
     * Takes a lease for the tensor holding {@code ref}; the memory stays allocated until {@link #release()}.
     *
     * @throws IllegalStateException if that tensor is closed; {@code what} names it
     */
    synchronized void acquire(Ref ref, String what) {
        if (ref.closed || closed) {
            throw new IllegalStateException(what + " is closed");
        }
        leases++;
    }

    void release() {
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

    /** Whether the allocation is closed (every tensor on it is). */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void close(Ref ref) {
        boolean free;
        synchronized (this) {
            if (ref.closed) {
                return;
            }
            ref.closed = true;
            if (--tensors == 0) {
                closed = true;
            }
            free = closed && leases == 0 && !freed;
            if (free) {
                freed = true;
            }
        }
        if (free) {
            doFree();
        }
    }

    /**
     * Closes every tensor on the allocation at once (the device handle's close): frees now, or
     * when the last lease ends. Idempotent.
     */
    @Override
    public void run() {
        boolean free;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            free = leases == 0 && !freed;
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
            lowerMark(device.backend(), LIVE_BYTES.get(device.backend()).addAndGet(-bytes));
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
