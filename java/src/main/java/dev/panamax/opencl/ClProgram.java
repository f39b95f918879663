package dev.panamax.opencl;

import dev.panamax.bindings.opencl.OpenCL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A built {@code cl_program} and pools of its {@code cl_kernel}s. A kernel object's arguments are
 * state (clSetKernelArg is not thread-safe on one kernel), so each launch borrows a kernel, sets
 * every argument, enqueues (which captures the arguments) and gives it back; pools grow to the
 * number of threads launching the same kernel at once and no further.
 */
final class ClProgram implements AutoCloseable {
    private final MemorySegment handle;
    private final String label;
    private final ClLive live;
    private final ConcurrentHashMap<String, Queue<MemorySegment>> idle = new ConcurrentHashMap<>();
    private boolean closed;

    ClProgram(MemorySegment handle, String label, ClLive live) {
        this.handle = handle;
        this.label = label;
        this.live = live;
    }

    /** A kernel nobody else is using; give it back with {@link #giveBack}. */
    MemorySegment borrow(String kernel) {
        MemorySegment k = pool(kernel).poll();
        return k != null ? k : create(kernel);
    }

    void giveBack(String kernel, MemorySegment k) {
        boolean keep;
        synchronized (this) {
            keep = !closed;
            if (keep) {
                pool(kernel).add(k);
            }
        }
        if (!keep) {
            release(k, kernel);
        }
    }

    private Queue<MemorySegment> pool(String kernel) {
        return idle.computeIfAbsent(kernel, n -> new ConcurrentLinkedQueue<>());
    }

    private MemorySegment create(String kernel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment k = OpenCL.clCreateKernel(handle, arena.allocateFrom(kernel), status);
            ClErrors.check(status.get(ValueLayout.JAVA_INT, 0), "clCreateKernel(" + kernel + " of " + label + ")");
            live.kernels.incrementAndGet();
            return k;
        }
    }

    private void release(MemorySegment k, String kernel) {
        live.kernels.decrementAndGet();
        ClErrors.check(OpenCL.clReleaseKernel(k), "clReleaseKernel(" + kernel + ")");
    }

    /** Releases the pooled kernels and the program; kernels borrowed now are released when given back. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        idle.forEach((name, queue) -> {
            for (MemorySegment k; (k = queue.poll()) != null; ) {
                release(k, name);
            }
        });
        live.programs.decrementAndGet();
        ClErrors.check(OpenCL.clReleaseProgram(handle), "clReleaseProgram(" + label + ")");
    }
}
