package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Flash attention on the CPU: q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], out [B, Hq, Sq, D].
 *
 * <p>The G = Hq / Hkv query heads that read one kv head are processed together: their Sq * G rows
 * are ordered query-major (row r is query r / G of head r % G), so one block of {@link #BQ} rows
 * shares every K and V tile it loads and spans few query positions for the causal bound. A work
 * unit is (batch, kv head, row block); it walks tiles of {@link #BK} keys with an online softmax
 * (running max and sum, rescaled accumulator), so memory is O(BQ * D + BK * D) per worker and the
 * [Sq, Skv] scores never exist. Causal (query i sees key j iff j &lt;= i + Skv - Sq): tiles past
 * the block's last visible key are never loaded; only tiles crossing the diagonal are masked.
 *
 * <p>Few units (decode: Sq = 1) split each unit's key tiles into parts whose (max, sum, acc) are
 * combined in part order by log-sum-exp rescaling; the number of parts depends on the shape only,
 * so the result does not depend on the number of threads or on timing.
 */
final class CpuAttention {
    /** Query rows per block. */
    static final int BQ = 32;
    /** Keys per tile. */
    static final int BK = 64;
    /** Units to aim for when splitting over keys. */
    private static final int TARGET_UNITS = 64;
    /** Fewest tiles a key split may hold. */
    private static final int MIN_SPLIT_TILES = 4;

    private CpuAttention() {
    }

    static void run(CpuPool pool, Kernels.Attention call) {
        Plan plan = new Plan(call);
        MemorySegment out = CpuMemory.segment(call.out());
        if (plan.splits == 1) {
            pool.forRange(plan.units, 1, (lo, hi) -> {
                Worker w = new Worker(plan);
                for (long u = lo; u < hi; u++) {
                    int rows = w.unit(u, 0, 1);
                    w.finish(rows);
                    w.write(u, rows, out);
                }
            });
            return;
        }
        int splits = plan.splits;
        int stride = BQ * (call.d() + 2);
        float[] parts = new float[(int) (plan.units * splits * stride)];
        pool.forRange(plan.units * splits, 1, (lo, hi) -> {
            Worker w = new Worker(plan);
            for (long item = lo; item < hi; item++) {
                int rows = w.unit(item / splits, (int) (item % splits), splits);
                w.save(rows, parts, (int) (item * stride));
            }
        });
        pool.forRange(plan.units, 1, (lo, hi) -> {
            Worker w = new Worker(plan);
            for (long u = lo; u < hi; u++) {
                int rows = plan.rows(u);
                w.combine(parts, (int) (u * splits * stride), splits, stride, rows);
                w.write(u, rows, out);
            }
        });
    }

    /** The shape of the work: blocks, units and the key split, all from the shape alone. */
    private static final class Plan {
        final Kernels.Attention call;
        final int group;
        final long rowsPerKv;
        final long blocks;
        final long units;
        final int splits;

        Plan(Kernels.Attention call) {
            this.call = call;
            this.group = (int) (call.hq() / call.hkv());
            this.rowsPerKv = call.sq() * group;
            this.blocks = CpuPool.ceilDiv(rowsPerKv, BQ);
            this.units = call.batch() * call.hkv() * blocks;
            long tiles = CpuPool.ceilDiv(call.skv(), BK);
            long s = units >= TARGET_UNITS ? 1 : Math.min(CpuPool.ceilDiv(TARGET_UNITS, units), tiles / MIN_SPLIT_TILES);
            this.splits = (int) Math.max(1, s);
        }

        /** Rows of unit u's block. */
        int rows(long u) {
            return (int) Math.min(BQ, rowsPerKv - (u % blocks) * BQ);
        }
    }

    /** One worker's tiles and running state. */
    private static final class Worker {
        private final Plan plan;
        private final Kernels.Attention call;
        private final AttentionTiles tiles = AttentionTiles.get();
        private final MemorySegment q;
        private final MemorySegment k;
        private final MemorySegment v;
        private final DType t;
        private final int d;
        private final float[] qb;
        private final float[] kb;
        private final float[] vb;
        private final float[] s;
        private final float[] m = new float[BQ];
        private final float[] l = new float[BQ];
        private final float[] f = new float[BQ];
        private final float[] acc;

        Worker(Plan plan) {
            this.plan = plan;
            this.call = plan.call;
            this.q = CpuMemory.segment(call.q());
            this.k = CpuMemory.segment(call.k());
            this.v = CpuMemory.segment(call.v());
            this.t = call.dtype();
            this.d = call.d();
            this.qb = new float[BQ * d];
            this.kb = new float[BK * d];
            this.vb = new float[BK * d];
            this.s = new float[BQ * BK];
            this.acc = new float[BQ * d];
        }

        /** Element offset of row r (of the kv head's G * Sq rows) in q or out. */
        private long rowOffset(long b, long kvHead, long r) {
            long i = r / plan.group;
            long h = kvHead * plan.group + r % plan.group;
            return ((b * call.hq() + h) * call.sq() + i) * d;
        }

        /**
         * Runs part {@code part} of {@code parts} of unit u's key tiles into m, l, acc (not yet
         * normalized); returns the unit's row count.
         */
        int unit(long u, int part, int parts) {
            long blk = u % plan.blocks;
            long kvIndex = u / plan.blocks;
            long b = kvIndex / call.hkv(), kvHead = kvIndex % call.hkv();
            long r0 = blk * BQ;
            int rows = plan.rows(u);
            Arrays.fill(m, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0f);
            Arrays.fill(acc, 0f);
            long shift = call.skv() - call.sq();
            long iMin = r0 / plan.group, iMax = (r0 + rows - 1) / plan.group;
            long keyEnd = call.causal() ? Math.min(call.skv(), iMax + shift + 1) : call.skv();
            if (keyEnd <= 0) {
                return rows;
            }
            long tileCount = CpuPool.ceilDiv(keyEnd, BK);
            long t0 = tileCount * part / parts, t1 = tileCount * (part + 1) / parts;
            if (t0 == t1) {
                return rows;
            }
            for (int i = 0; i < rows; i++) {
                Elements.load(q, t, rowOffset(b, kvHead, r0 + i), qb, i * d, d);
            }
            float scale = call.scale();
            for (int i = 0; i < rows * d; i++) {
                qb[i] *= scale;
            }
            long kvBase = (b * call.hkv() + kvHead) * call.skv() * d;
            for (long tile = t0; tile < t1; tile++) {
                long j0 = tile * BK;
                int keys = (int) Math.min(BK, keyEnd - j0);
                Elements.load(k, t, kvBase + j0 * d, kb, 0, keys * d);
                Elements.load(v, t, kvBase + j0 * d, vb, 0, keys * d);
                tiles.scores(qb, rows, d, kb, keys, s, BK);
                if (call.causal() && j0 + keys - 1 > iMin + shift) {
                    mask(r0, rows, j0, keys, shift);
                }
                tiles.online(s, rows, keys, BK, m, l, f);
                tiles.accumulate(s, rows, keys, BK, vb, d, f, acc);
            }
            return rows;
        }

        /** -inf where key j0 + jj is after the last key row r0 + i may see. */
        private void mask(long r0, int rows, long j0, int keys, long shift) {
            for (int i = 0; i < rows; i++) {
                long last = (r0 + i) / plan.group + shift - j0;
                int from = (int) Math.max(0, Math.min(keys, last + 1));
                Arrays.fill(s, i * BK + from, i * BK + keys, Float.NEGATIVE_INFINITY);
            }
        }

        /** acc = acc / l, zeros for rows that saw no key. */
        void finish(int rows) {
            for (int i = 0; i < rows; i++) {
                float inv = l[i] == 0f ? 0f : 1f / l[i];
                for (int c = 0; c < d; c++) {
                    acc[i * d + c] *= inv;
                }
            }
        }

        void write(long u, int rows, MemorySegment out) {
            long blk = u % plan.blocks;
            long kvIndex = u / plan.blocks;
            long b = kvIndex / call.hkv(), kvHead = kvIndex % call.hkv();
            for (int i = 0; i < rows; i++) {
                Elements.store(acc, i * d, out, t, rowOffset(b, kvHead, blk * BQ + i), d);
            }
        }

        /** Stores m, l and acc of one part at {@code at}: [BQ] m, [BQ] l, [BQ, d] acc. */
        void save(int rows, float[] parts, int at) {
            System.arraycopy(m, 0, parts, at, BQ);
            System.arraycopy(l, 0, parts, at + BQ, BQ);
            System.arraycopy(acc, 0, parts, at + 2 * BQ, rows * d);
        }

        /** Combines {@code count} saved parts in order into a normalized acc of {@code rows} rows. */
        void combine(float[] parts, int at, int count, int stride, int rows) {
            for (int i = 0; i < rows; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < count; p++) {
                    max = Math.max(max, parts[at + p * stride + i]);
                }
                int ai = i * d;
                Arrays.fill(acc, ai, ai + d, 0f);
                if (max == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float sum = 0f;
                for (int p = 0; p < count; p++) {
                    int base = at + p * stride;
                    float mp = parts[base + i];
                    if (mp == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float w = (float) Math.exp(mp - max);
                    sum += parts[base + BQ + i] * w;
                    int src = base + 2 * BQ + ai;
                    for (int c = 0; c < d; c++) {
                        acc[ai + c] = Math.fma(w, parts[src + c], acc[ai + c]);
                    }
                }
                float inv = 1f / sum;
                for (int c = 0; c < d; c++) {
                    acc[ai + c] *= inv;
                }
            }
        }
    }
}
