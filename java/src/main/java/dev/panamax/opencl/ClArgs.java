package dev.panamax.opencl;

import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The arguments and grid of one kernel launch, written into this thread's argument buffer, which
 * every launch on the thread reuses: nothing is allocated per launch.
 *
 * <p>Shape: one native segment per thread (virtual threads included), made on the thread's first
 * launch from an automatic arena, so that it goes when the thread does. It holds {@link #MAX_ARGS}
 * slots of {@link #SLOT} bytes, argument i's value in slot i (a {@code cl_mem} handle, a scalar,
 * or a parameter struct written through its {@link StructLayout}, see {@link #struct}), then the
 * global and local sizes of the grid and, for a timed launch, its event and a profiling time.
 * Each argument's size is kept on the heap, since clSetKernelArg takes it by value; a
 * {@code __local} buffer is a size with a NULL value.
 *
 * <p>clSetKernelArg copies each value and clEnqueueNDRangeKernel reads the sizes before they
 * return, so the buffer is free for the thread's next launch as soon as one has been queued. A
 * launch takes the buffer, emptied, with {@link #begin} and gives it back with {@link #close}
 * (try-with-resources): a second {@code begin} on the thread before then fails instead of
 * overwriting the first launch's arguments.
 */
final class ClArgs implements AutoCloseable {
    /** Arguments one launch may pass (attention's decode split passes the most: 9). */
    static final int MAX_ARGS = 16;
    /** Bytes of one argument's slot: the largest parameter struct must fit (AttentionParams: 72). */
    static final long SLOT = 128;
    private static final int MAX_DIMS = 3;

    private static final ThreadLocal<ClArgs> MINE = ThreadLocal.withInitial(ClArgs::new);

    private final MemorySegment[] slots = new MemorySegment[MAX_ARGS];
    /** Argument i's value: its slot, or NULL for a {@code __local} buffer. */
    private final MemorySegment[] values = new MemorySegment[MAX_ARGS];
    private final long[] sizes = new long[MAX_ARGS];
    /** Argument i's memory when it is a buffer, else null (the views among them are bound per launch by {@link ClViews}). */
    private final ClMemory[] memories = new ClMemory[MAX_ARGS];
    private final ClViews viewBinding = new ClViews();
    private boolean hasViews;
    private final MemorySegment globalSizes;
    private final MemorySegment localSizes;
    private final MemorySegment event;
    private final MemorySegment time;
    private int count;
    private int dims;
    private boolean open;

    private ClArgs() {
        long grid = MAX_DIMS * ValueLayout.JAVA_LONG.byteSize();
        MemorySegment buffer = Arena.ofAuto().allocate(MAX_ARGS * SLOT + 2 * grid + 16, 8);
        for (int i = 0; i < MAX_ARGS; i++) {
            slots[i] = buffer.asSlice(i * SLOT, SLOT);
        }
        globalSizes = buffer.asSlice(MAX_ARGS * SLOT, grid);
        localSizes = buffer.asSlice(MAX_ARGS * SLOT + grid, grid);
        event = buffer.asSlice(MAX_ARGS * SLOT + 2 * grid, 8);
        time = buffer.asSlice(MAX_ARGS * SLOT + 2 * grid + 8, 8);
    }

    /** This thread's argument buffer, emptied; close it once the launch is queued. */
    static ClArgs begin() {
        ClArgs args = MINE.get();
        if (args.open) {
            throw new IllegalStateException("this thread is still building another launch's arguments: close its ClArgs"
                    + " (try-with-resources) before the next launch begins");
        }
        args.open = true;
        args.count = 0;
        args.dims = 0;
        args.hasViews = false;
        return args;
    }

    /**
     * A buffer: a tensor's memory, a view's included (the launch gives the kernel a buffer that
     * starts at the view's first byte, see {@link ClViews}); null (an empty tensor, which the kernel
     * never reads) passes a NULL cl_mem, as OpenCL allows.
     */
    ClArgs buffer(Memory memory) {
        ClMemory m = (ClMemory) memory;
        next(ValueLayout.ADDRESS.byteSize(), true).set(ValueLayout.ADDRESS, 0, m == null ? MemorySegment.NULL : m.handle());
        memories[count - 1] = m;
        hasViews |= m != null && m.offset() != 0;
        return this;
    }

    /** A {@code __local} buffer of {@code bytes} bytes. */
    ClArgs local(long bytes) {
        next(bytes, false);
        return this;
    }

    /** A {@code ulong} scalar. */
    ClArgs u64(long v) {
        next(ValueLayout.JAVA_LONG.byteSize(), true).set(ValueLayout.JAVA_LONG, 0, v);
        return this;
    }

    /**
     * A struct argument of {@code layout}: returns its slot, zeroed (padding included), for the
     * caller to write every field into through the layout's handles, at offset 0.
     */
    MemorySegment struct(StructLayout layout) {
        if (layout.byteSize() > SLOT) {
            throw new IllegalArgumentException(layout.name().orElse("a struct") + " takes " + layout.byteSize()
                    + " bytes; an argument slot holds " + SLOT);
        }
        MemorySegment slot = next(layout.byteSize(), true);
        slot.fill((byte) 0);
        return slot;
    }

    /** A one-dimensional grid: {@code global} work-items in work-groups of {@code local}. */
    ClArgs grid(long global, long local) {
        return dims(1).size(0, global, local);
    }

    /** A two-dimensional grid (each global size a multiple of its local size). */
    ClArgs grid(long globalX, long globalY, long localX, long localY) {
        return dims(2).size(0, globalX, localX).size(1, globalY, localY);
    }

    /** A three-dimensional grid (each global size a multiple of its local size). */
    ClArgs grid(long globalX, long globalY, long globalZ, long localX, long localY, long localZ) {
        return dims(3).size(0, globalX, localX).size(1, globalY, localY).size(2, globalZ, localZ);
    }

    private ClArgs dims(int n) {
        requireOpen();
        dims = n;
        return this;
    }

    private ClArgs size(int dim, long global, long local) {
        globalSizes.setAtIndex(ValueLayout.JAVA_LONG, dim, global);
        localSizes.setAtIndex(ValueLayout.JAVA_LONG, dim, local);
        return this;
    }

    private MemorySegment next(long size, boolean hasValue) {
        requireOpen();
        if (count == MAX_ARGS) {
            throw new IllegalStateException("a launch takes at most " + MAX_ARGS + " arguments");
        }
        sizes[count] = size;
        values[count] = hasValue ? slots[count] : MemorySegment.NULL;
        memories[count] = null;
        return slots[count++];
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("launch arguments are written between ClArgs.begin() and close()");
        }
    }

    /** Arguments written so far. */
    int count() {
        requireOpen();
        return count;
    }

    long size(int i) {
        return sizes[i];
    }

    MemorySegment value(int i) {
        return values[i];
    }

    /** Argument i's memory when it is a buffer (not an empty tensor's), else null. */
    ClMemory memory(int i) {
        return memories[i];
    }

    /** Whether a buffer argument is a view at a nonzero offset, which {@link ClViews} must bind for the launch. */
    boolean hasViews() {
        return hasViews;
    }

    /** This thread's binding of view arguments, for the launch. */
    ClViews views() {
        return viewBinding;
    }

    /** Dimensions of the grid (1 to 3); the launch fails without one. */
    int dims() {
        if (dims == 0) {
            throw new IllegalStateException("a launch needs its grid (ClArgs.grid)");
        }
        return dims;
    }

    /** The global sizes, {@link #dims} of them, for clEnqueueNDRangeKernel. */
    MemorySegment globalSizes() {
        return globalSizes;
    }

    /** The work-group sizes, {@link #dims} of them. */
    MemorySegment localSizes() {
        return localSizes;
    }

    /** Where clEnqueueNDRangeKernel writes a timed launch's event: a list of one cl_event for clWaitForEvents. */
    MemorySegment event() {
        return event;
    }

    /** Where a timed launch reads a profiling time. */
    MemorySegment time() {
        return time;
    }

    /** The grid as "global [..], local [..]", for error messages. */
    String describeGrid() {
        return "global " + Arrays.toString(globalSizes.asSlice(0, 8L * dims).toArray(ValueLayout.JAVA_LONG))
                + ", local " + Arrays.toString(localSizes.asSlice(0, 8L * dims).toArray(ValueLayout.JAVA_LONG));
    }

    /** Gives the buffer back to the thread's next launch. */
    @Override
    public void close() {
        open = false;
    }
}
