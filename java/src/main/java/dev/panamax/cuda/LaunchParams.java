package dev.panamax.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a launch writes the one by-value struct of its kernel ({@link CudaLauncher}'s ABI), laid
 * out the way {@code cuLaunchKernel} takes it: {@code kernelParams} points to an array of one
 * pointer, which points to the struct's bytes. Each thread keeps one 16-byte-aligned native
 * buffer, laid out {@code [pointer to offset 16 | pad | struct bytes]}, whose first word is set
 * once. A launch asks for the struct ({@link #struct}: zeroed and sized to its layout), writes
 * the fields there through the layout's handles, and the launcher hands the driver the buffer
 * itself ({@link #kernelParams}): no copy. The driver has copied the arguments when
 * cuLaunchKernel returns, so the next struct reuses the bytes.
 *
 * <p>Per thread, virtual threads included (a ThreadLocal is per virtual thread, so a virtual
 * thread that moves between carriers keeps its buffer and shares it with no one). Between
 * {@link #struct} and the launches of that struct nothing on the thread may ask for another: a
 * family picks its variant (which may launch the arch probe) and allocates its scratch before
 * it asks. {@link #kernelParams} refuses a struct that is not the thread's latest.
 */
final class LaunchParams {
    /** Struct bytes the per-thread buffer holds (the classic kernel parameter limit). */
    static final int CAPACITY = 4096;
    private static final long STRUCT_OFFSET = 16;

    private LaunchParams() {
    }

    /** One thread's buffer and the size of the struct it last handed out (-1: none yet). */
    private static final class Buffer {
        final MemorySegment segment;
        long handedOut = -1;

        Buffer() {
            segment = Arena.ofAuto().allocate(STRUCT_OFFSET + CAPACITY, 16);
            segment.set(ValueLayout.ADDRESS, 0, segment.asSlice(STRUCT_OFFSET));
        }
    }

    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

    /**
     * This thread's parameter struct for {@code layout}: zeroed, {@code layout.byteSize()} bytes
     * at a 16-byte-aligned address. Valid until the thread's next call.
     *
     * @throws IllegalArgumentException when the layout does not fit the buffer
     */
    static MemorySegment struct(MemoryLayout layout) {
        if (layout.byteSize() > CAPACITY || layout.byteAlignment() > 16) {
            throw new IllegalArgumentException("kernel parameter struct " + layout + " of " + layout.byteSize()
                    + " bytes, aligned to " + layout.byteAlignment() + ": the launch buffer holds " + CAPACITY
                    + " bytes aligned to 16");
        }
        Buffer b = BUFFER.get();
        b.handedOut = layout.byteSize();
        return b.segment.asSlice(STRUCT_OFFSET, layout.byteSize()).fill((byte) 0);
    }

    /**
     * The kernelParams argument for {@code struct}, the thread's latest {@link #struct} (null: a
     * kernel without parameters, NULL): the thread's buffer, whose first word points at it.
     *
     * @throws IllegalArgumentException for any other segment
     */
    static MemorySegment kernelParams(MemorySegment struct) {
        if (struct == null) {
            return MemorySegment.NULL;
        }
        Buffer b = BUFFER.get();
        if (struct.address() != b.segment.address() + STRUCT_OFFSET || struct.byteSize() != b.handedOut) {
            throw new IllegalArgumentException("kernel parameters of " + struct.byteSize() + " bytes at 0x"
                    + Long.toHexString(struct.address()) + " are not this thread's latest LaunchParams.struct ("
                    + (b.handedOut < 0 ? "none yet" : b.handedOut + " bytes") + "): a launch writes its struct "
                    + "there and launches it before anything else on the thread asks for one");
        }
        return b.segment;
    }
}
