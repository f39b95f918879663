package dev.panamax.opencl;

import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The view arguments of one launch. A kernel argument is a {@code cl_mem} and nothing more, and
 * the kernels index their buffers from 0, so a buffer argument whose memory is a view at a nonzero
 * offset ({@link ClMemory#offset}) is replaced, for this launch only, by a buffer that starts at
 * the view's first byte:
 * <ul>
 * <li>a sub-buffer ({@code clCreateSubBuffer}) when the offset is a multiple of the device's
 *     {@code CL_DEVICE_MEM_BASE_ADDR_ALIGN}, the only origins OpenCL allows; the kernel then works
 *     on the allocation's own memory. OpenCL leaves a command that uses both a buffer and a
 *     sub-buffer of it undefined (only disjoint sub-buffers, or reads, are defined), so an argument
 *     at offset 0 of a buffer that another argument of the launch takes a sub-buffer of becomes a
 *     sub-buffer too, at origin 0;</li>
 * <li>otherwise a staged copy: a scratch buffer the view's bytes are copied into before the
 *     kernel and back from after it, all queued in order. Every staged argument is copied back,
 *     read-only ones too (a launch does not say which buffers its kernel writes): that writes back
 *     the bytes they already hold, which is harmless because ops never let an output overlap an
 *     input other than by being exactly its bytes.</li>
 * </ul>
 * Arguments that are the same bytes share one replacement, so an in-place kernel still sees one
 * buffer. Sub-buffers and scratch buffers are released once the launch is queued (OpenCL keeps
 * them for the commands that use them) and counted in {@link ClLive}. Both start at an aligned
 * address, so no kernel ever sees a misaligned buffer. The op family classes see none of this:
 * they pass memories to {@link ClArgs#buffer} whether views or not.
 *
 * <p>One per thread, reused by every launch on it (with its {@link ClArgs}); a launch without
 * views costs one test.
 */
final class ClViews {
    private final MemorySegment region;   // cl_buffer_region {origin, size}
    private final MemorySegment status;
    private final MemorySegment[] subBuffers = new MemorySegment[ClArgs.MAX_ARGS];
    private final Memory[] scratch = new Memory[ClArgs.MAX_ARGS];
    private final ClMemory[] staged = new ClMemory[ClArgs.MAX_ARGS];
    private int subCount;
    private int stagedCount;

    ClViews() {
        MemorySegment buffer = Arena.ofAuto().allocate(24, 8);
        region = buffer.asSlice(0, 16);
        status = buffer.asSlice(16, 4);
    }

    /** Writes, into the slot of each view argument of {@code args}, a buffer that starts at the view's first byte. */
    void bind(OpenClDevice device, ClArgs args) {
        subCount = 0;
        stagedCount = 0;
        if (!args.hasViews()) {
            return;
        }
        long alignment = device.facts().baseAddressAlignment();
        for (int i = 0; i < args.count(); i++) {
            ClMemory m = args.memory(i);
            if (m == null || (m.offset() == 0 && !subBufferBeside(args, m, alignment))) {
                continue; // the buffer itself
            }
            MemorySegment buffer = null;
            for (int j = 0; j < i && buffer == null; j++) {
                if (m.equals(args.memory(j))) {
                    buffer = args.value(j).get(ValueLayout.ADDRESS, 0); // the same bytes: the same buffer
                }
            }
            if (buffer == null && m.offset() % alignment == 0) {
                buffer = device.subBuffer(m, region, status);
                subBuffers[subCount++] = buffer;
            } else if (buffer == null) {
                Memory copy = device.allocate(m.byteSize());
                scratch[stagedCount] = copy;
                staged[stagedCount++] = m;
                device.copyRegion(m, (ClMemory) copy, m.byteSize());
                buffer = ClMemory.handle(copy);
            }
            args.value(i).set(ValueLayout.ADDRESS, 0, buffer);
        }
    }

    /** Whether another argument of the launch is a sub-buffer (a view at a nonzero aligned offset) of {@code m}'s buffer. */
    private static boolean subBufferBeside(ClArgs args, ClMemory m, long alignment) {
        for (int j = 0; j < args.count(); j++) {
            ClMemory other = args.memory(j);
            if (other != null && other.offset() != 0 && other.offset() % alignment == 0 && other.handle().equals(m.handle())) {
                return true;
            }
        }
        return false;
    }

    /** After the launch was queued: queues the copies of the staged arguments back into their views. */
    void copyBack(OpenClDevice device) {
        for (int i = 0; i < stagedCount; i++) {
            device.copyRegion((ClMemory) scratch[i], staged[i], staged[i].byteSize());
        }
    }

    /** Releases the launch's sub-buffers and scratch buffers (after its last enqueue), whether or not it was queued. */
    void release(OpenClDevice device) {
        RuntimeException failure = null;
        for (int i = 0; i < subCount + stagedCount; i++) {
            try {
                if (i < subCount) {
                    device.releaseSubBuffer(subBuffers[i]);
                } else {
                    device.free(scratch[i - subCount]);
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        java.util.Arrays.fill(subBuffers, 0, subCount, null);
        java.util.Arrays.fill(scratch, 0, stagedCount, null);
        java.util.Arrays.fill(staged, 0, stagedCount, null);
        subCount = 0;
        stagedCount = 0;
        if (failure != null) {
            throw failure;
        }
    }
}
