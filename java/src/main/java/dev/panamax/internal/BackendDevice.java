package dev.panamax.internal;

import dev.panamax.Backend;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The backend contract: one physical device as its backend drives it. A backend is an allocator
 * (allocate, free, copy in and out), the kernels it loaded, and a queue to synchronize.
 *
 * <p>Instances are created once per spec by {@link Devices} and shared by every {@code Device}
 * handle opened on that spec; they live until the JVM exits. Every method must be thread-safe.
 * Arguments reaching a backend are already validated (shapes, dtypes, devices, sizes, bounds):
 * a backend checks only what its driver reports.
 *
 * <p>Host segments passed to {@link #copyIn} and {@link #copyOut} are native unless
 * {@link #acceptsHeapSegments()} says heap segments are fine; the caller stages them otherwise.
 */
public interface BackendDevice {
    /** The canonical spec, e.g. {@code "opencl:0"}. */
    String spec();

    String name();

    Backend backend();

    long memoryBytes();

    /** Facts for display, in a stable order. */
    Map<String, String> info();

    /**
     * Allocates {@code bytes > 0} bytes; the contents are unspecified.
     *
     * @throws dev.panamax.DeviceOutOfMemoryException when the device has no room
     */
    Memory allocate(long bytes);

    /**
     * Frees memory from {@link #allocate} (never a {@link #view}); called exactly once per
     * allocation, after any queued work that uses it (or a view of it) was enqueued.
     */
    void free(Memory memory);

    /**
     * The {@code bytes} bytes of {@code base} from {@code byteOffset} on, as a memory the kernels
     * and copies of this backend take wherever they take an allocation's (a tensor view's
     * memory). {@code base} is memory from {@link #allocate}, {@code byteOffset} a multiple of the
     * element size (so never a multiple of 16 as such: kernels check before vector accesses),
     * {@code 0 < bytes} and {@code byteOffset + bytes <= base.byteSize()}. Makes no driver call:
     * the view lives as long as its base, which the caller keeps allocated while it uses it.
     * Memories of two views of the same bytes are {@link Memory#sameBytes}.
     */
    Memory view(Memory base, long byteOffset, long bytes);

    /** Sets the first {@code bytes} bytes of {@code memory} to zero. */
    void zero(Memory memory, long bytes);

    /** Copies {@code bytes} bytes from {@code src} (at least that large) into the start of {@code dst}; ordered after queued work. */
    void copyIn(MemorySegment src, Memory dst, long bytes);

    /** Copies the first {@code bytes} bytes of {@code src} into {@code dst}; waits for the work that writes {@code src}. */
    void copyOut(Memory src, MemorySegment dst, long bytes);

    /**
     * Copies the first {@code bytes} bytes of {@code src} to the start of {@code dst}, memories
     * (allocations or views) of this device, queued in order. They may overlap (views of one
     * allocation): the copy then behaves as memmove, as if {@code src} were first copied to a
     * temporary buffer.
     */
    void copy(Memory src, Memory dst, long bytes);

    /** True when {@link #copyIn}/{@link #copyOut} take heap segments (the CPU); false for drivers. */
    boolean acceptsHeapSegments();

    /**
     * The memory as a native host segment when the device's memory is the host's (the CPU), else
     * null. Lets transfers to and from the CPU skip a staging copy.
     */
    default MemorySegment hostView(Memory memory) {
        return null;
    }

    /** The device's kernel set. */
    Kernels kernels();

    /** Waits for all work queued on this device. */
    void synchronize();
}
