package dev.panamax.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread float buffers that grow on demand and are kept, so that a kernel's scratch costs no
 * allocation per call once its thread has seen the size. A buffer is named by its slot; a call
 * uses the {@code CALL_*} slots on the calling thread (weights widened once per call, read by every
 * worker) and the {@code ROW_*} slots inside its parallel bodies, so that a body the pool runs
 * inline on the calling thread never takes a buffer the call still holds. A pool worker runs one
 * body at a time, so two bodies never share a buffer.
 */
final class Scratch {
    /** Call-level slots: read by the workers while the call runs. */
    static final int CALL_0 = 0, CALL_1 = 1;
    /** Body-level slots. */
    static final int ROW_0 = 2, ROW_1 = 3, ROW_2 = 4;
    /**
     * A GEMM task's packed A and B, its transposition scratch, its F32 accumulator, the register
     * tile and the two rows of its epilogue (also the few-rows path's widened A, B and
     * accumulator). A GEMM runs inside the body of another kernel (the MoE layer's experts), so
     * it has slots of its own; it calls no kernel while it holds them.
     */
    static final int GEMM_A = 5, GEMM_B = 6, GEMM_T = 7, GEMM_ACC = 8, GEMM_TILE = 9, GEMM_OLD = 10, GEMM_OUT = 11;
    /** The 16 x 16 block through which A panels are transposed (GEMM, attention). */
    static final int GEMM_PANEL = 12;
    /** The first of the eleven slots of an attention worker's tiles and running state ({@code ATTENTION + i}). */
    static final int ATTENTION = 13;
    /** A GEMM task's rows of A, row-major, for {@link GemmKernel#blockInPlace}. */
    static final int GEMM_ROWS = ATTENTION + 11;
    /** A product's whole A, packed once by the calling thread's tasks for every column task to read. */
    static final int GEMM_SHARED_A = GEMM_ROWS + 1;
    private static final int SLOTS = GEMM_SHARED_A + 1;

    private static final ThreadLocal<float[][]> MINE = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    /** Native slots (call level): the INT8 matmul's product and its blocked activations. */
    static final int NATIVE_0 = 0, NATIVE_1 = 1;
    private static final ThreadLocal<MemorySegment[]> NATIVE = ThreadLocal.withInitial(
            () -> new MemorySegment[] {MemorySegment.NULL, MemorySegment.NULL});

    private Scratch() {
    }

    /** This thread's buffer {@code slot}, at least {@code n} floats; contents unspecified. */
    static float[] get(int slot, int n) {
        float[][] mine = MINE.get();
        if (mine[slot].length < n) {
            mine[slot] = new float[n];
        }
        return mine[slot];
    }

    /**
     * This thread's native buffer {@code slot}, exactly {@code bytes} long (64-byte aligned), in an
     * automatic arena: every thread may read and write it, and an outgrown one is freed by the
     * garbage collector. Contents unspecified.
     */
    static MemorySegment segment(int slot, long bytes) {
        MemorySegment[] mine = NATIVE.get();
        if (mine[slot].byteSize() < bytes) {
            mine[slot] = Arena.ofAuto().allocate(Math.max(bytes, 2 * mine[slot].byteSize()), 64);
        }
        return mine[slot].asSlice(0, bytes);
    }
}
