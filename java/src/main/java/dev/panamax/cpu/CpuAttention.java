package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Flash attention on the CPU: q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], out [B, Hq, Sq, D].
 *
 * <p>The G = Hq / Hkv query heads that read one kv head are processed together: their Sq * G rows
 * are ordered query-major (row r is query r / G of head r % G), so one block of {@link #BQ} rows
 * shares every K and V tile and spans few query positions for the causal bound. A work unit is
 * (batch, kv head, a group of up to {@link #GROUP} row blocks). It walks tiles of {@link #BK}
 * keys: each tile's K is transposed to K^T [D, BK] and its V copied to [BK, D'] (D' = D rounded
 * up to the GEMM kernel's nr) once, then used by every block of the group: S = Q K^T and
 * acc += P V run on {@link GemmKernel#tile}, the same register-tiled micro-kernel as GEMM, with
 * an online softmax between them (running max and sum per row, accumulator rescaled). Memory
 * per worker is O(GROUP * BQ * D + BK * D); the [Sq, Skv] scores never exist. Causal (query i
 * sees key j iff j &lt;= i + L - Sq): tiles past a block's last visible key are skipped, and
 * only tiles crossing the diagonal are masked. A row that sees no key gets zeros.
 *
 * <p>A kv head with few query rows (G * Sq up to {@link #FEW_ROWS}: decoding, F32 or BF16, D a
 * multiple of the vector length) skips the transposes and the GEMM kernel, whose register
 * tiles such rows leave mostly empty: each tile's keys and values are copied row-major to the
 * heap (F32) in one pass that reads both at once, each in two halves (four streams from memory:
 * {@link VectorElements#loadF32Pair}), and the rows' scores and P V come from there, two rows and
 * a group of keys at a time ({@link VectorDecode}), around the same online softmax. Decode [Hq 32,
 * Hkv 8, Skv 8192, D 128] F32 on the 2-vCPU AVX2 Zen 3 guest: 7.09-8.48 ms with K and V read in
 * place, 5.68-5.94 ms from the heap copies; on the Zen 4 guest 4.60-5.20 ms with K copied, then
 * V, 4.18-4.36 ms with the four streams.
 *
 * <p>kvLengths: batch b uses keys [0, L_b) only, L_b = kvLengths[b] clamped to [0, Skv] (L_b =
 * Skv without them). A unit's tiles end at its last visible key below L_b, so no key past L_b is
 * loaded (its K and V, NaN included, never reach the products) and the work is proportional to
 * the visible keys; the last tile's keys past L_b are masked like missing keys.
 *
 * <p>Few units (decode: Sq = 1) split each unit's key tiles into parts whose (max, sum, acc) are
 * combined in part order by log-sum-exp rescaling. A batch gets a number of parts proportional
 * to its tiles (up to {@code splits}, which the longest batch gets), so that every part holds
 * about the same number of tiles and the cores share the visible keys evenly. The numbers depend
 * on the shape and the lengths only, so results do not depend on the number of threads or on
 * timing.
 */
final class CpuAttention {
    /** Query rows per block: a multiple of every kernel's mr (12, 5, 4). */
    static final int BQ = 60;
    /** Keys per tile: a multiple of every kernel's nr (32, 16, 8). */
    static final int BK = 64;
    /** Row blocks that share each K/V tile. */
    private static final int GROUP = 8;
    /**
     * Most rows per kv head (G * Sq) for which a unit reads K and V in place, scoring a few keys
     * at a time ({@link VectorDecode}), instead of through tiles and the GEMM kernel.
     */
    static final int FEW_ROWS = 16;
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
                    w.unit(u, 0, 1);
                    w.finish(u, out);
                }
            });
            return;
        }
        // Items are (unit, part), batch by batch: batch b's units have parts[b] parts each.
        int stride = BQ * (plan.dPad + 2);
        float[] parts = Scratch.get(Scratch.CALL_0, Math.toIntExact(plan.itemStart[(int) call.batch()] * stride));
        pool.forRange(plan.itemStart[(int) call.batch()], 1, (lo, hi) -> {
            Worker w = new Worker(plan);
            for (long item = lo; item < hi; item++) {
                int b = plan.batchOfItem(item);
                long rel = item - plan.itemStart[b];
                int count = plan.parts[b];
                w.unit(b * plan.unitsPerBatch + rel / count, (int) (rel % count), count);
                w.save(parts, (int) (item * stride));
            }
        });
        pool.forRange(plan.units, 1, (lo, hi) -> {
            Worker w = new Worker(plan);
            for (long u = lo; u < hi; u++) {
                int b = (int) (u / plan.unitsPerBatch);
                long first = plan.itemStart[b] + (u - b * plan.unitsPerBatch) * plan.parts[b];
                w.locate(u);
                w.combine(parts, (int) (first * stride), plan.parts[b], stride);
                w.finish(u, out);
            }
        });
    }

    /** The shape of the work, from the shape and the lengths alone. */
    private static final class Plan {
        final Kernels.Attention call;
        final GemmKernel kernel = GemmKernel.get();
        final int mr = kernel.blocking().mr();
        final int nr = kernel.blocking().nr();
        final int group;
        final long rowsPerKv;
        final long blocks;
        final int splits;
        final int blocksPerUnit;
        final long unitsPerKv;
        final long unitsPerBatch;
        final long units;
        final int dPad;
        /** Whether units take their tiles through {@code fewRows}. */
        final boolean fewRows;
        /** Keys each batch uses: kvLengths clamped to [0, Skv], or Skv. */
        final long[] lengths;
        /** Split path: each batch's parts per unit, and its first item (batch + 1 entries). */
        final int[] parts;
        final long[] itemStart;

        Plan(Kernels.Attention call) {
            this.call = call;
            this.group = (int) (call.hq() / call.hkv());
            this.rowsPerKv = call.sq() * group;
            this.blocks = Math.ceilDiv(rowsPerKv, BQ);
            this.lengths = lengths(call);
            long blockUnits = call.batch() * call.hkv() * blocks;
            long tiles = Math.ceilDiv(Arrays.stream(lengths).max().orElse(0), BK);
            long s = blockUnits >= TARGET_UNITS ? 1 : Math.min(Math.ceilDiv(TARGET_UNITS, blockUnits), tiles / MIN_SPLIT_TILES);
            this.splits = (int) Math.max(1, s);
            this.blocksPerUnit = splits > 1 ? 1 : GROUP;
            this.unitsPerKv = Math.ceilDiv(blocks, blocksPerUnit);
            this.unitsPerBatch = call.hkv() * unitsPerKv;
            this.units = call.batch() * unitsPerBatch;
            this.dPad = CpuGemm.roundUp(call.d(), nr);
            this.fewRows = rowsPerKv <= FEW_ROWS && VectorDecode.fits(call.dtype(), call.d());
            if (splits > 1) { // blockUnits < TARGET_UNITS: batch is small
                int batch = (int) call.batch();
                this.parts = new int[batch];
                this.itemStart = new long[batch + 1];
                for (int b = 0; b < batch; b++) {
                    parts[b] = (int) Math.max(1, Math.ceilDiv(splits * Math.ceilDiv(lengths[b], BK), tiles));
                    itemStart[b + 1] = itemStart[b] + unitsPerBatch * parts[b];
                }
            } else {
                this.parts = null;
                this.itemStart = null;
            }
        }

        private static long[] lengths(Kernels.Attention call) {
            long[] out = new long[(int) call.batch()];
            MemorySegment seg = call.kvLengths() == null ? null : CpuMemory.segment(call.kvLengths());
            for (int b = 0; b < out.length; b++) {
                out[b] = seg == null ? call.skv() : Math.clamp(seg.getAtIndex(ValueLayout.JAVA_INT, b), 0, call.skv());
            }
            return out;
        }

        /** The batch whose items include {@code item} (split path). */
        int batchOfItem(long item) {
            int at = Arrays.binarySearch(itemStart, item); // strictly increasing: every batch has items
            return at >= 0 ? at : -at - 2;
        }

        /** One past the last key query {@code i} of batch {@code b} sees (0: none). */
        long visibleEnd(int b, long i) {
            long len = lengths[b];
            return call.causal() ? Math.clamp(i + len - call.sq() + 1, 0, len) : len;
        }
    }

    /** One worker's tiles and the running state of one unit's blocks. */
    private static final class Worker {
        private final Plan plan;
        private final Kernels.Attention call;
        private final GemmKernel kernel;
        private final AttentionTiles tiles = AttentionTiles.get();
        private final MemorySegment q;
        private final MemorySegment k;
        private final MemorySegment v;
        private final DType t;
        private final int d;
        private final int dPad;
        private final int mr;
        private final int nr;
        /** Q rows of each block, scaled, as GEMM A panels of mr rows (see GemmKernel); padding rows zero. */
        private final float[] qb;
        /** A K tile as loaded [BK, d], its transpose [d, BK], a V tile [BK, dPad]. */
        private final float[] kRows;
        private final float[] kt;
        private final float[] vt;
        /** Scores / probabilities of one block and tile [BQ, BK]. */
        private final float[] s;
        private final float[] tile;
        private final float[] m;
        private final float[] l;
        private final float[] f;
        /** Accumulators [blocksPerUnit * BQ, dPad]. */
        private final float[] acc;
        private final float[] row;
        /** One panel of probabilities [BK, mr], the A operand of P V. */
        private final float[] panel;
        /** The 16 x 16 block the panels are transposed through. */
        private final float[] block16;
        /** The unit's first block and block count, and each block's row count and key end. */
        private long firstBlock;
        private int blockCount;
        private final int[] rows;
        private final long[] keyEnd;
        /** fewRows: the keys of the current tile each row sees, and the scratch of two rows' reductions. */
        private final int[] see = new int[FEW_ROWS];
        private final float[] pair = new float[2 * VectorDecode.LANES * VectorDecode.LANES];

        Worker(Plan plan) {
            this.plan = plan;
            this.call = plan.call;
            this.kernel = plan.kernel;
            this.q = CpuMemory.segment(call.q());
            this.k = CpuMemory.segment(call.k());
            this.v = CpuMemory.segment(call.v());
            this.t = call.dtype();
            this.d = call.d();
            this.dPad = plan.dPad;
            this.mr = plan.mr;
            this.nr = plan.nr;
            int slots = plan.blocksPerUnit;
            // this thread's buffers, kept between calls: fresh arrays cost more than a small call's math
            this.qb = Scratch.get(Scratch.ATTENTION, slots * BQ * d);
            // kRows also holds a block's Q rows and s its scores, each transposed into GEMM A panels
            // up to 16 rows at a time: both keep PANEL_SLACK rows past a block
            this.kRows = Scratch.get(Scratch.ATTENTION + 1, Math.max(BK, BQ + GemmPacking.PANEL_SLACK) * d);
            this.kt = Scratch.get(Scratch.ATTENTION + 2, d * BK);
            this.vt = Scratch.get(Scratch.ATTENTION + 3, BK * dPad);
            this.s = Scratch.get(Scratch.ATTENTION + 4, (BQ + GemmPacking.PANEL_SLACK) * BK);
            this.tile = Scratch.get(Scratch.ATTENTION + 5, mr * nr);
            this.m = Scratch.get(Scratch.ATTENTION + 6, slots * BQ);
            this.l = Scratch.get(Scratch.ATTENTION + 7, slots * BQ);
            this.f = Scratch.get(Scratch.ATTENTION + 8, slots * BQ);
            this.acc = Scratch.get(Scratch.ATTENTION + 9, slots * BQ * dPad);
            this.row = new float[dPad];
            this.panel = Scratch.get(Scratch.ATTENTION + 10, BK * mr);
            this.block16 = Scratch.get(Scratch.GEMM_PANEL, 256);
            this.rows = new int[slots];
            this.keyEnd = new long[slots];
        }

        /** Element offset of row r (of the kv head's G * Sq rows) in q or out. */
        private long rowOffset(long b, long kvHead, long r) {
            long i = r / plan.group;
            long h = kvHead * plan.group + r % plan.group;
            return ((b * call.hq() + h) * call.sq() + i) * d;
        }

        /** Runs part {@code part} of {@code parts} of unit u's key tiles into m, l, acc (not normalized). */
        void unit(long u, int part, int parts) {
            long kvIndex = u / plan.unitsPerKv;
            long b = kvIndex / call.hkv(), kvHead = kvIndex % call.hkv();
            long unitKeyEnd = locate(u);
            long shift = plan.lengths[(int) b] - call.sq();
            int used = blockCount * BQ; // the unit's blocks only: a small call has one of GROUP
            Arrays.fill(m, 0, used, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, used, 0f);
            Arrays.fill(acc, 0, used * dPad, 0f);
            long tileCount = Math.ceilDiv(unitKeyEnd, BK);
            long t0 = tileCount * part / parts, t1 = tileCount * (part + 1) / parts;
            if (t0 == t1) {
                return;
            }
            long kvBase = (b * call.hkv() + kvHead) * call.skv() * d;
            if (plan.fewRows) {
                fewRows(b, kvHead, kvBase, t0, t1, unitKeyEnd, shift);
                return;
            }
            loadQueries(b, kvHead);
            for (long tileIndex = t0; tileIndex < t1; tileIndex++) {
                long j0 = tileIndex * BK;
                int keys = (int) Math.min(BK, unitKeyEnd - j0);
                loadKeysAndValues(kvBase + j0 * d, keys);
                for (int slot = 0; slot < blockCount; slot++) {
                    if (keyEnd[slot] > j0) {
                        block(slot, j0, keys, shift);
                    }
                }
            }
        }

        /** Sets the unit's blocks, their rows and key ends (within L_b); returns the unit's key end. */
        long locate(long u) {
            int b = (int) (u / plan.unitsPerBatch);
            firstBlock = (u % plan.unitsPerKv) * plan.blocksPerUnit;
            blockCount = (int) Math.min(plan.blocksPerUnit, plan.blocks - firstBlock);
            long unitKeyEnd = 0;
            for (int slot = 0; slot < blockCount; slot++) {
                long r0 = (firstBlock + slot) * BQ;
                rows[slot] = (int) Math.min(BQ, plan.rowsPerKv - r0);
                keyEnd[slot] = plan.visibleEnd(b, (r0 + rows[slot] - 1) / plan.group);
                unitKeyEnd = Math.max(unitKeyEnd, keyEnd[slot]);
            }
            return unitKeyEnd;
        }

        private void loadQueries(long b, long kvHead) {
            Arrays.fill(qb, 0, blockCount * BQ * d, 0f);
            float scale = call.scale();
            for (int slot = 0; slot < blockCount; slot++) {
                long r0 = (firstBlock + slot) * BQ;
                int at = slot * BQ * d, valid = rows[slot];
                for (int i = 0; i < valid; i++) { // row-major into kRows, free until the first key tile
                    Elements.load(q, t, rowOffset(b, kvHead, r0 + i), kRows, i * d, d);
                }
                for (int i = 0; i < valid * d; i++) {
                    kRows[i] *= scale;
                }
                for (int ir = 0; ir < valid; ir += mr) {
                    Elements.transposeToPanel(kRows, ir * d, d, mr, d, qb, at + ir * d, block16);
                }
                if (valid % mr != 0) { // the last panel's rows past the block's: zero, as in GEMM
                    int last = valid / mr * mr;
                    GemmPacking.zeroRows(qb, at + last * d, valid - last, mr, d);
                }
            }
        }

        /**
         * {@link #unit}'s tiles [t0, t1) for a unit of one block of at most {@link #FEW_ROWS} rows
         * ({@link VectorDecode}): the scaled Q rows row-major in kRows; per tile, the rows' scores
         * straight from K, two rows at a time, masked, the online softmax, and P V straight from
         * V over the keys each row sees.
         */
        private void fewRows(long b, long kvHead, long kvBase, long t0, long t1, long unitKeyEnd, long shift) {
            int valid = rows[0];
            long r0 = firstBlock * BQ;
            float scale = call.scale();
            for (int i = 0; i < valid; i++) {
                Elements.load(q, t, rowOffset(b, kvHead, r0 + i), kRows, i * d, d);
            }
            for (int i = 0; i < valid * d; i++) {
                kRows[i] *= scale;
            }
            int lanes = VectorDecode.LANES;
            for (long tileIndex = t0; tileIndex < t1; tileIndex++) {
                long j0 = tileIndex * BK;
                int keys = (int) Math.min(BK, unitKeyEnd - j0);
                int width = CpuGemm.roundUp(keys, 16);
                int i;
                for (i = 0; i < valid; i++) {
                    long visible = keys;
                    if (call.causal()) {
                        visible = Math.min(visible, (r0 + i) / plan.group + shift - j0 + 1);
                    }
                    see[i] = (int) Math.max(0, visible);
                }
                int seenAll = 0;
                for (i = 0; i < valid; i++) {
                    seenAll = Math.max(seenAll, see[i]);
                }
                // the keys and values any row sees, row-major on the heap (F32): read once (both at
                // once, four streams, on the Vector API), then indexed as arrays by every row
                Elements.loadPair(k, v, t, kvBase + j0 * d, kt, vt, seenAll * d);
                // rows in pairs, each load of K serving both, over the keys either sees (the other's
                // scores past its own keys are overwritten by the mask below)
                for (i = 0; i + 2 <= valid; i += 2) {
                    int seen = Math.max(see[i], see[i + 1]);
                    for (int g = 0; g < seen; g += lanes) {
                        VectorDecode.scores2(kRows, i * d, (i + 1) * d, kt, g * d, d, Math.min(lanes, seen - g),
                                pair, s, i * BK + g, (i + 1) * BK + g);
                    }
                }
                for (; i < valid; i++) {
                    for (int g = 0; g < see[i]; g += lanes) {
                        VectorDecode.scores(kRows, i * d, kt, g * d, d, Math.min(lanes, see[i] - g), block16, s,
                                i * BK + g);
                    }
                }
                for (i = 0; i < valid; i++) {
                    Arrays.fill(s, i * BK + see[i], i * BK + width, Float.NEGATIVE_INFINITY);
                }
                tiles.online(s, valid, width, BK, m, l, f, 0);
                tiles.rescale(acc, 0, valid, dPad, f, 0);
                for (i = 0; i < valid; i++) {
                    VectorDecode.pv(s, i * BK, see[i], vt, 0, d, acc, i * dPad);
                }
            }
        }

        /** K^T [d, BK] and V [BK, dPad] of keys [j0, j0 + keys); missing keys are zero. */
        private void loadKeysAndValues(long at, int keys) {
            Elements.load(k, t, at, kRows, 0, keys * d);
            Elements.transpose(kRows, 0, d, keys, d, kt, 0, BK);
            for (int i = 0; i < keys; i++) {
                Elements.load(v, t, at + (long) i * d, vt, i * dPad, d);
            }
            if (keys < BK) {
                for (int c = 0; c < d; c++) {
                    Arrays.fill(kt, c * BK + keys, (c + 1) * BK, 0f);
                }
                Arrays.fill(vt, keys * dPad, BK * dPad, 0f);
            }
        }

        /**
         * One tile for one block: scores, mask, online softmax, P V into the accumulators. A tile
         * of fewer than BK keys (a short sequence, the last tile) works on its keys rounded up to
         * whole register tiles only: the columns past them would be -inf scores and zero
         * probabilities (at 16 keys, three quarters of a 64-key tile's work).
         */
        private void block(int slot, long j0, int keys, long shift) {
            int valid = rows[slot];
            int qAt = slot * BQ * d;
            int width = Math.min(BK, CpuGemm.roundUp(keys, Math.max(16, nr)));
            for (int ir = 0; ir < valid; ir += mr) {
                int tileRows = Math.min(mr, valid - ir);
                for (int jc = 0; jc < width; jc += nr) {
                    kernel.tile(tileRows, d, qb, qAt + ir * d, kt, jc, BK, tile);
                    kernel.store(tile, tileRows, nr, s, ir * BK + jc, BK, 1f, 0f);
                }
            }
            long r0 = (firstBlock + slot) * BQ;
            for (int i = 0; i < valid; i++) {
                // keys past the tile's end, and (causal) past the last key row r0 + i may see
                long visible = keys;
                if (call.causal()) {
                    visible = Math.min(visible, (r0 + i) / plan.group + shift - j0 + 1);
                }
                int from = (int) Math.max(0, visible);
                if (from < width) {
                    Arrays.fill(s, i * BK + from, i * BK + width, Float.NEGATIVE_INFINITY);
                }
            }
            int at = slot * BQ;
            tiles.online(s, valid, width, BK, m, l, f, at);
            tiles.rescale(acc, at * dPad, valid, dPad, f, at);
            for (int ir = 0; ir < valid; ir += mr) {
                int tileRows = Math.min(mr, valid - ir);
                Elements.transposeToPanel(s, ir * BK, BK, mr, width, panel, 0, block16);
                if (tileRows < mr) {
                    GemmPacking.zeroRows(panel, 0, tileRows, mr, width);
                }
                for (int dc = 0; dc < dPad; dc += nr) {
                    kernel.tile(tileRows, width, panel, 0, vt, dc, dPad, tile);
                    kernel.store(tile, tileRows, nr, acc, (at + ir) * dPad + dc, dPad, 1f, 1f);
                }
            }
        }

        /**
         * Writes acc / l of the unit's blocks to out: zeros for rows that see no key, whatever l
         * is; for the others l as it came (NaN from a NaN score, 0 when every score was -inf,
         * which gives NaN as in exact arithmetic).
         */
        void finish(long u, MemorySegment out) {
            long kvIndex = u / plan.unitsPerKv;
            long b = kvIndex / call.hkv(), kvHead = kvIndex % call.hkv();
            for (int slot = 0; slot < blockCount; slot++) {
                long r0 = (firstBlock + slot) * BQ;
                for (int i = 0; i < rows[slot]; i++) {
                    int at = slot * BQ + i;
                    boolean sees = plan.visibleEnd((int) b, (r0 + i) / plan.group) > 0;
                    float inv = 1f / l[at];
                    for (int c = 0; c < d; c++) {
                        row[c] = sees ? acc[at * dPad + c] * inv : 0f; // 0, not 0 * acc: P V of a blind row may be NaN
                    }
                    Elements.store(row, 0, out, t, rowOffset(b, kvHead, r0 + i), d);
                }
            }
        }

        /** Stores m, l and acc of the unit's single block at {@code at}: [BQ] m, [BQ] l, [BQ, dPad] acc. */
        void save(float[] parts, int at) {
            System.arraycopy(m, 0, parts, at, BQ);
            System.arraycopy(l, 0, parts, at + BQ, BQ);
            System.arraycopy(acc, 0, parts, at + 2 * BQ, BQ * dPad);
        }

        /** Combines {@code count} saved parts of one block, in order, into m = 0, l and acc. */
        void combine(float[] parts, int at, int count, int stride) {
            for (int i = 0; i < BQ; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < count; p++) {
                    max = Math.max(max, parts[at + p * stride + i]);
                }
                int ai = i * dPad;
                Arrays.fill(acc, ai, ai + dPad, 0f);
                l[i] = 0f;
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
                    for (int c = 0; c < dPad; c++) {
                        acc[ai + c] = Math.fma(w, parts[src + c], acc[ai + c]);
                    }
                }
                l[i] = sum;
            }
        }
    }
}
