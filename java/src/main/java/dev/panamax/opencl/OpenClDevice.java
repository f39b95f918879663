package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.bindings.opencl.OpenCL;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.HostMemory;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One OpenCL device: a context and one in-order command queue (with profiling) for the life of
 * the JVM, buffers as {@code cl_mem}, the programs built from the packed sources, and the kernel
 * set. Copies to and from the host block; copies between buffers and kernels are queued in order.
 * OpenCL API calls are thread-safe except setting a kernel's arguments, which {@link ClProgram}
 * serializes by lending each kernel object to one launch at a time.
 */
final class OpenClDevice implements BackendDevice {
    /** Work-group size every kernel uses (GROUP_SIZE in common.h). */
    static final int GROUP_SIZE = 256;

    private final String spec;
    private final ClDeviceId id;
    private final ClFacts facts;
    private final MemorySegment context;
    private final MemorySegment queue;
    private final ClLive live = new ClLive();
    /** Bytes allocated or released since the queue was last waited for: see {@link #boundQueue}. */
    private final AtomicLong sinceFinish = new AtomicLong();
    /** Bytes allocated or released past which the queue is waited for. */
    static final long QUEUE_BOUND = 512L << 20;
    /** Bytes known to be free at the last reading of the host's memory, less what was allocated since. */
    private final AtomicLong hostBudget = new AtomicLong();
    /** Allocations one reading of the host's memory may cover (within HostMemory's 256 MiB margin). */
    static final long HOST_BUDGET = 64L << 20;
    /** Whether the device's memory is the host's (a CPU device: PoCL). */
    private final boolean hostMemory;
    private final ClPrograms programs;
    private final OpenClKernels kernels;

    private OpenClDevice(String spec, ClDeviceId id, ClFacts facts, MemorySegment context, MemorySegment queue) {
        this.spec = spec;
        this.id = id;
        this.facts = facts;
        this.hostMemory = !id.gpu() && !id.accelerator();
        this.context = context;
        this.queue = queue;
        this.programs = new ClPrograms(this);
        this.kernels = new OpenClKernels(this);
    }

    /**
     * Opens {@code id} as {@code spec}.
     *
     * @throws DeviceUnavailableException when the device cannot run Panamax's kernels or its context
     *     cannot be made; the message says why
     */
    static OpenClDevice open(ClDeviceId id, String spec) {
        ClFacts facts = ClFacts.read(id);
        String unusable = facts.unusableReason();
        if (unusable != null) {
            throw new DeviceUnavailableException(spec + " (" + facts.name() + "): " + unusable);
        }
        MemorySegment context;
        MemorySegment queue;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment properties = arena.allocate(ValueLayout.JAVA_LONG, 3);
            properties.setAtIndex(ValueLayout.JAVA_LONG, 0, OpenCL.CL_CONTEXT_PLATFORM());
            properties.setAtIndex(ValueLayout.JAVA_LONG, 1, id.platform().address());
            properties.setAtIndex(ValueLayout.JAVA_LONG, 2, 0);
            MemorySegment devices = arena.allocate(ValueLayout.ADDRESS);
            devices.set(ValueLayout.ADDRESS, 0, id.device());
            context = OpenCL.clCreateContext(properties, 1, devices, MemorySegment.NULL, MemorySegment.NULL, status);
            unavailableUnless(status.get(ValueLayout.JAVA_INT, 0), spec, facts, "clCreateContext");
            queue = OpenCL.clCreateCommandQueue(context, id.device(), OpenCL.CL_QUEUE_PROFILING_ENABLE(), status);
            int queued = status.get(ValueLayout.JAVA_INT, 0);
            if (queued != ClErrors.CL_SUCCESS) {
                OpenCL.clReleaseContext(context);
                unavailableUnless(queued, spec, facts, "clCreateCommandQueue");
            }
        }
        return new OpenClDevice(spec, id, facts, context, queue);
    }

    private static void unavailableUnless(int status, String spec, ClFacts facts, String call) {
        if (status != ClErrors.CL_SUCCESS) {
            String name = ClErrors.name(status);
            throw new DeviceUnavailableException(spec + " (" + facts.name() + "): " + call + " failed: " + name
                    + " (" + status + ")", name, status);
        }
    }

    MemorySegment context() {
        return context;
    }

    MemorySegment deviceId() {
        return id.device();
    }

    ClFacts facts() {
        return facts;
    }

    ClLive live() {
        return live;
    }

    ClPrograms programs() {
        return programs;
    }

    /** Live OpenCL objects of this device (buffers, programs, kernels, events), for leak checks. */
    Map<String, Long> liveObjects() {
        return live.snapshot();
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String name() {
        return facts.name();
    }

    @Override
    public Backend backend() {
        return Backend.OPENCL;
    }

    @Override
    public long memoryBytes() {
        return facts.globalMemory();
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>(facts.describe());
        info.put("programs built", Integer.toString(programs.size()));
        return info;
    }

    @Override
    public Memory allocate(long bytes) {
        if (bytes > facts.maxAllocation()) {
            throw new DeviceOutOfMemoryException(spec + ": cannot allocate " + bytes + " bytes: the device's largest"
                    + " allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE) is " + facts.maxAllocation() + " bytes");
        }
        if (hostMemory) {
            checkHostMemory(bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment mem = OpenCL.clCreateBuffer(context, OpenCL.CL_MEM_READ_WRITE(), bytes, MemorySegment.NULL, status);
            int created = status.get(ValueLayout.JAVA_INT, 0);
            if (created != ClErrors.CL_SUCCESS) {
                throw ClErrors.error(created, spec + ": clCreateBuffer(" + bytes + " bytes)");
            }
            live.buffers.incrementAndGet();
            boundQueue(bytes);
            return new ClMemory(mem, 0, bytes);
        }
    }

    @Override
    public void free(Memory memory) {
        // Commands already queued keep the buffer alive until they finish (the OpenCL retain rule).
        live.buffers.decrementAndGet();
        int status = OpenCL.clReleaseMemObject(ClMemory.handle(memory));
        if (status != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(status, spec + ": clReleaseMemObject");
        }
        boundQueue(memory.byteSize());
    }

    /**
     * Nothing else bounds the queue: an op's outputs and a released buffer live on until the
     * commands queued on them finish, and a caller can enqueue far faster than a device (PoCL on
     * two cores) works. Past {@link #QUEUE_BOUND} bytes allocated or released since the last wait,
     * wait for the queue, so that the memory the device holds stays bounded by what the callers hold.
     */
    private void boundQueue(long bytes) {
        if (sinceFinish.addAndGet(bytes) > QUEUE_BOUND) {
            sinceFinish.set(0);
            synchronize();
        }
    }

    /**
     * A CPU device's buffers are host memory, and PoCL allocates them lazily: past what the host can
     * give, its first enqueue fails an assertion and aborts the process. So a request past
     * {@link HostMemory#available()} is a {@link DeviceOutOfMemoryException}. Reading it costs
     * several /proc files, so a reading is spent down by the allocations after it, at most
     * {@link #HOST_BUDGET} bytes of them, before the files are read again.
     */
    private void checkHostMemory(long bytes) {
        if (hostBudget.addAndGet(-bytes) >= 0) {
            return;
        }
        long available = HostMemory.available();
        if (bytes > available) {
            hostBudget.set(0);
            throw new DeviceOutOfMemoryException(spec + ": cannot allocate " + bytes + " bytes: the host has "
                    + available + " bytes available to this process (memory, ulimit -v, cgroup)");
        }
        hostBudget.set(Math.min(available, HOST_BUDGET) - bytes);
    }

    /** A buffer for one call's intermediate results, released when closed (after its last enqueue). */
    Scratch scratch(long bytes) {
        return new Scratch(allocate(bytes));
    }

    final class Scratch implements AutoCloseable {
        private final Memory memory;

        private Scratch(Memory memory) {
            this.memory = memory;
        }

        Memory memory() {
            return memory;
        }

        @Override
        public void close() {
            free(memory);
        }
    }

    /** A view's memory: the base's buffer and offset; no OpenCL object (see {@link ClViews} for kernel arguments). */
    @Override
    public Memory view(Memory base, long byteOffset, long bytes) {
        return new ClMemory(ClMemory.handle(base), ClMemory.offset(base) + byteOffset, bytes);
    }

    @Override
    public void zero(Memory memory, long bytes) {
        long offset = ClMemory.offset(memory);
        try (Arena arena = Arena.ofConfined()) {
            long patternSize = bytes % 4 == 0 && offset % 4 == 0 ? 4 : 1; // offset and size are multiples of it
            MemorySegment pattern = arena.allocate(patternSize);
            ClErrors.check(OpenCL.clEnqueueFillBuffer(queue, ClMemory.handle(memory), pattern, patternSize, offset, bytes,
                    0, MemorySegment.NULL, MemorySegment.NULL), spec + ": clEnqueueFillBuffer(" + bytes + " bytes)");
        }
    }

    @Override
    public void copyIn(MemorySegment src, Memory dst, long bytes) {
        int status = OpenCL.clEnqueueWriteBuffer(queue, ClMemory.handle(dst), OpenCL.CL_TRUE(), ClMemory.offset(dst), bytes, src,
                0, MemorySegment.NULL, MemorySegment.NULL);
        if (status != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(status, spec + ": clEnqueueWriteBuffer(" + bytes + " bytes)");
        }
    }

    @Override
    public void copyOut(Memory src, MemorySegment dst, long bytes) {
        int status = OpenCL.clEnqueueReadBuffer(queue, ClMemory.handle(src), OpenCL.CL_TRUE(), ClMemory.offset(src), bytes, dst,
                0, MemorySegment.NULL, MemorySegment.NULL);
        if (status != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(status, spec + ": clEnqueueReadBuffer(" + bytes + " bytes)");
        }
    }

    /**
     * clEnqueueCopyBuffer refuses overlapping regions of one buffer (CL_MEM_COPY_OVERLAP):
     * overlapping views are copied through a scratch buffer (two queued copies), as memmove would.
     */
    @Override
    public void copy(Memory src, Memory dst, long bytes) {
        ClMemory from = new ClMemory(ClMemory.handle(src), ClMemory.offset(src), bytes);
        ClMemory to = new ClMemory(ClMemory.handle(dst), ClMemory.offset(dst), bytes);
        if (from.equals(to)) {
            return;
        }
        if (from.overlaps(to)) {
            try (Scratch staged = scratch(bytes)) {
                copyRegion(from, (ClMemory) staged.memory(), bytes);
                copyRegion((ClMemory) staged.memory(), to, bytes);
            }
            return;
        }
        copyRegion(from, to, bytes);
    }

    /** Queues a copy of the first {@code bytes} bytes of {@code from} to {@code to}, regions that do not overlap. */
    void copyRegion(ClMemory from, ClMemory to, long bytes) {
        int status = OpenCL.clEnqueueCopyBuffer(queue, from.handle(), to.handle(), from.offset(), to.offset(), bytes,
                0, MemorySegment.NULL, MemorySegment.NULL);
        if (status != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(status, spec + ": clEnqueueCopyBuffer(" + bytes + " bytes)");
        }
    }

    /**
     * A sub-buffer on the bytes of {@code view}, whose offset is a multiple of the device's base
     * address alignment; {@code region} is 16 bytes of native memory for the call's
     * {@code cl_buffer_region}, {@code status} 4 for its status. Release it with {@link #releaseSubBuffer}.
     */
    MemorySegment subBuffer(ClMemory view, MemorySegment region, MemorySegment status) {
        region.set(ValueLayout.JAVA_LONG, 0, view.offset());
        region.set(ValueLayout.JAVA_LONG, 8, view.byteSize());
        MemorySegment sub = OpenCL.clCreateSubBuffer(view.handle(), OpenCL.CL_MEM_READ_WRITE(),
                OpenCL.CL_BUFFER_CREATE_TYPE_REGION(), region, status);
        int created = status.get(ValueLayout.JAVA_INT, 0);
        if (created != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(created, spec + ": clCreateSubBuffer(offset " + view.offset() + ", " + view.byteSize() + " bytes)");
        }
        live.subBuffers.incrementAndGet();
        return sub;
    }

    /** Releases a sub-buffer from {@link #subBuffer}; commands already queued keep it alive until they finish. */
    void releaseSubBuffer(MemorySegment sub) {
        live.subBuffers.decrementAndGet();
        ClErrors.check(OpenCL.clReleaseMemObject(sub), spec + ": clReleaseMemObject(sub-buffer)");
    }

    @Override
    public boolean acceptsHeapSegments() {
        return false;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void synchronize() {
        int status = OpenCL.clFinish(queue);
        if (status != ClErrors.CL_SUCCESS) {
            throw ClErrors.error(status, spec + ": clFinish");
        }
    }

    /**
     * Queues {@code kernel} of {@code program} with the arguments and grid of {@code args} (the
     * thread's argument buffer, which may be reused as soon as this returns: the driver has copied
     * what it needs).
     */
    void launch(ClProgram program, String kernel, ClArgs args) {
        enqueue(program, kernel, args, false);
    }

    /** As {@link #launch}, then waits for the kernel and returns its device time in nanoseconds (event profiling). */
    long launchTimed(ClProgram program, String kernel, ClArgs args) {
        return enqueue(program, kernel, args, true);
    }

    private long enqueue(ClProgram program, String kernel, ClArgs args, boolean timed) {
        int count = args.count();
        int dims = args.dims();
        ClViews views = args.views();
        MemorySegment k = null;
        try {
            views.bind(this, args); // view arguments: sub-buffers, or staged copies in and (below) out
            k = program.borrow(kernel);
            for (int i = 0; i < count; i++) {
                int status = OpenCL.clSetKernelArg(k, i, args.size(i), args.value(i));
                if (status != ClErrors.CL_SUCCESS) {
                    throw ClErrors.error(status, spec + ": clSetKernelArg(" + kernel + ", argument " + i + ", "
                            + args.size(i) + " bytes)");
                }
            }
            MemorySegment event = timed ? args.event() : MemorySegment.NULL;
            int status = OpenCL.clEnqueueNDRangeKernel(queue, k, dims, MemorySegment.NULL, args.globalSizes(),
                    args.localSizes(), 0, MemorySegment.NULL, event);
            if (status != ClErrors.CL_SUCCESS) {
                throw ClErrors.error(status, spec + ": clEnqueueNDRangeKernel(" + kernel + ", " + args.describeGrid() + ")");
            }
            long time = timed ? elapsed(args, kernel) : 0;
            views.copyBack(this);
            return time;
        } finally {
            if (k != null) {
                program.giveBack(kernel, k);
            }
            views.release(this);
        }
    }

    /** Waits for the event of a timed launch (in {@code args}), reads its device time and releases it. */
    private long elapsed(ClArgs args, String kernel) {
        MemorySegment list = args.event();
        MemorySegment event = list.get(ValueLayout.ADDRESS, 0);
        live.events.incrementAndGet();
        try {
            ClErrors.check(OpenCL.clWaitForEvents(1, list), spec + ": clWaitForEvents(" + kernel + ")");
            MemorySegment time = args.time();
            ClErrors.check(OpenCL.clGetEventProfilingInfo(event, OpenCL.CL_PROFILING_COMMAND_START(), 8, time,
                    MemorySegment.NULL), spec + ": clGetEventProfilingInfo(" + kernel + ")");
            long start = time.get(ValueLayout.JAVA_LONG, 0);
            ClErrors.check(OpenCL.clGetEventProfilingInfo(event, OpenCL.CL_PROFILING_COMMAND_END(), 8, time,
                    MemorySegment.NULL), spec + ": clGetEventProfilingInfo(" + kernel + ")");
            return time.get(ValueLayout.JAVA_LONG, 0) - start;
        } finally {
            live.events.decrementAndGet();
            OpenCL.clReleaseEvent(event);
        }
    }

    @Override
    public String toString() {
        return spec + " (" + facts.name() + ")";
    }
}
