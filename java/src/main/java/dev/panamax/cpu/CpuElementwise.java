package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Kernels.ElementwiseOp;

import java.lang.foreign.MemorySegment;

/**
 * The elementwise ops (add, mul, gelu, silu, swiglu) over n elements: out[i] = op(a[i],
 * b[i mod bSize]), F32 arithmetic, out may be a.
 *
 * <p>F32 and BF16 on the Vector API go to {@link ElementwiseBlock#direct}: add and mul straight
 * between the segments (a buffer would cost them a third of their bandwidth, measured on 2 cores:
 * 22 against 30 GB/s for an F32 add of [8192, 4096]), the activations by chunks of L1 with the
 * exp fused into their loops ({@link VectorActivations}). The others (F16, scalar Java): the
 * elements are cut into blocks of {@link #BLOCK} (a function of n only) spread over the
 * pool's workers; each block is widened once into a per-thread buffer, computed there by
 * {@link ElementwiseBlock} and rounded once into out: every byte is read once and written once.
 * b: when it is shorter than a block (a bias [N] of a small N), it is widened once per call and
 * laid out repeated, BLOCK + bSize floats, so that every block reads it at offset
 * {@code start mod bSize} without a copy; otherwise each block widens the stretch of b it needs
 * (at most two pieces, where b wraps around).
 */
final class CpuElementwise {
    /** Elements per block: a block's three float buffers stay in L1. */
    static final int BLOCK = 2048;

    private CpuElementwise() {
    }

    static void run(CpuPool pool, Kernels.Elementwise call) {
        ElementwiseBlock math = ElementwiseBlock.get();
        MemorySegment a = CpuMemory.segment(call.a());
        MemorySegment b = CpuMemory.segment(call.b());
        MemorySegment out = CpuMemory.segment(call.out());
        ElementwiseOp op = call.op();
        DType t = call.dtype();
        long n = call.n();
        long bSize = call.bSize();
        if (math.hasDirect(op, t)) {
            pool.forRange(Math.ceilDiv(n, BLOCK), 1, (lo, hi) -> math.direct(op, t, a, b, bSize, out, lo * BLOCK,
                    Math.min(n, hi * BLOCK)));
            return;
        }
        float[] tiled = op.binary() && bSize < BLOCK ? tile(b, t, (int) bSize) : null;
        pool.forRange(Math.ceilDiv(n, BLOCK), 1, (lo, hi) -> {
            float[] x = Scratch.get(Scratch.ROW_0, BLOCK + ElementwiseBlock.PAD);
            float[] tmp = Scratch.get(Scratch.ROW_1, BLOCK + ElementwiseBlock.PAD);
            float[] own = op.binary() && tiled == null ? Scratch.get(Scratch.ROW_2, BLOCK + ElementwiseBlock.PAD) : null;
            for (long block = lo; block < hi; block++) {
                long from = block * BLOCK;
                int len = (int) Math.min(BLOCK, n - from);
                Elements.load(a, t, from, x, 0, len);
                float[] bBuf = null;
                int bAt = 0;
                if (tiled != null) {
                    bBuf = tiled;
                    bAt = (int) (from % bSize);
                } else if (own != null) {
                    loadWrapped(b, t, bSize, from % bSize, own, len);
                    bBuf = own;
                }
                math.apply(op, x, bBuf, bAt, tmp, len);
                Elements.store(x, 0, out, t, from, len);
            }
        });
    }

    /** b [bSize] (bSize &lt; BLOCK) widened and repeated into BLOCK + bSize floats (+ PAD), on the calling thread. */
    private static float[] tile(MemorySegment b, DType t, int bSize) {
        int length = BLOCK + bSize;
        float[] tiled = Scratch.get(Scratch.CALL_0, length + ElementwiseBlock.PAD);
        Elements.load(b, t, 0, tiled, 0, bSize);
        for (int filled = bSize; filled < length; filled += Math.min(filled, length - filled)) {
            System.arraycopy(tiled, 0, tiled, filled, Math.min(filled, length - filled)); // doubling copies
        }
        return tiled;
    }

    /** len elements of b from index j on, wrapping at bSize (bSize &gt;= BLOCK &gt;= len: at most one wrap). */
    private static void loadWrapped(MemorySegment b, DType t, long bSize, long j, float[] dst, int len) {
        int first = (int) Math.min(len, bSize - j);
        Elements.load(b, t, j, dst, 0, first);
        if (first < len) {
            Elements.load(b, t, 0, dst, first, len - first);
        }
    }
}
