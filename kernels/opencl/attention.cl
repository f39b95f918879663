// Attention: out = softmax(scale * q k^T + mask) v, flash-style (the [Sq, Skv] scores are never
// stored: key tiles stream through local memory under an online softmax).
//
// Shapes, row-major, ELEM_DTYPE: q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], out [B, Hq, Sq, D],
// 1 <= D <= 256. Query head h reads kv head h / (Hq / Hkv) (GQA). kv_lengths (int [B], read when
// p.has_lengths): batch b uses keys [0, L_b) only, L_b = kv_lengths[b] clamped to [0, Skv]
// (L_b = Skv without them). Causal masks aligned bottom-right: query i sees key j iff
// j <= i + (L_b - Sq). A query that sees no key gets zeros; a NaN in a key it sees reaches it.
//
// Every variant works on ROWS = 16 query rows per 256-wide work-group, ROW_THREADS = 16
// work-items per row. Per key tile of bk keys (32, 16 or 8, as the device's local memory allows
// for D): the K tile is staged in local memory (rows padded to D + 1 floats, so the 16 work-items
// of a row, each scoring its own keys, read distinct banks); each work-item scores its keys
// against its row's q (staged once in local memory); the V tile replaces the K tile; each
// work-item rescales and accumulates its 16 strided columns of the row's output in registers.
// Key tiles past the last key any of the group's rows may see are never loaded (causal, and
// past L_b: no work and no read of the padding, whose values never reach a result).
//
// Variants:
// - attention_flash_tiled: a work-group per (batch, head, block of 16 queries), over all keys;
//   chosen when Sq > 16.
// Grids put the dimension that may be large (batch x heads) first: some drivers allow only 65535
// work-groups along dimensions 1 and 2.
// - attention_decode_split + attention_decode_combine: decoding (Sq <= 16, Sq == 1 above all). A
//   work-group per (batch, kv head, block of 16 rows, key split): its rows are the (query head,
//   query) pairs that share the kv head, so K and V are read once for the whole GQA group, and the
//   keys are split across work-groups so that a long KV cache keeps the device busy. The number
//   of splits is sized on Skv (the grid does not depend on the lengths, which stay on the
//   device); the key tiles the work-group's rows see (below L_b and their causal limit) are
//   shared evenly over them, so the work follows L_b. A split with no tile (more splits than
//   tiles) loads nothing and writes an empty partial (max -inf, sum 0, zeros). Each split
//   writes its unnormalized partial output with its max and sum (F32 scratch); the combine kernel
//   merges the splits of each row by their log-sum-exp and writes out.
#include "common.h"
#include "params.h"

#define ROWS 16
#define ROW_THREADS 16
#define MAX_D 256
#define COLS_PER_THREAD (MAX_D / ROW_THREADS)
#define COMBINE_THREADS 64

// max that keeps a NaN of either side (fmax drops it): a NaN score must reach the row's result.
inline float max_nan(float a, float b) {
    return (a > b || isnan(a)) ? a : b;
}

// Streams keys [k_begin, k_end) of one kv head (k_head and v_head point at its [Skv, D] rows)
// past the group's query rows, staged in q_tile [ROWS, D]. limit is this work-item's row's last
// visible key (LONG_MAX when not causal, -1 for a row past the end). On return m and l are the
// row's running max and sum of exp(score - m), o the work-item's columns lane + 16 u of the
// unnormalized output. q_tile must be written before the call; the first barrier orders it.
// Keys past the row's limit take no part in its sums (not even as p = 0: 0 * a NaN value is NaN).
inline void attend_keys(const __global elem_t *k_head, const __global elem_t *v_head, ulong k_begin, ulong k_end,
                        long limit, const AttentionParams p, __local float *q_tile, __local float *kv_tile,
                        __local float *scores, float *m_out, float *l_out, float *o) {
    const uint lid = get_local_id(0);
    const uint row = lid / ROW_THREADS;
    const uint lane = lid % ROW_THREADS;
    const uint d = p.d;
    const uint bk = p.bk;
    const uint pitch = d + 1;
    float m = -INFINITY;
    float l = 0.0f;

    for (ulong kt = k_begin; kt < k_end; kt += bk) {
        const uint nk = (uint) min((ulong) bk, k_end - kt);
        const __global elem_t *k_src = k_head + kt * d;
        const __global elem_t *v_src = v_head + kt * d;

        barrier(CLK_LOCAL_MEM_FENCE); // the previous tile's V is no longer read
        for (uint t = lid; t < nk * d; t += GROUP_SIZE) {
            uint j = t / d;
            kv_tile[j * pitch + (t - j * d)] = load_elem(k_src, t);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint j = lane; j < bk; j += ROW_THREADS) {
            float s = -INFINITY;
            if (j < nk && (long) (kt + j) <= limit) {
                float dot = 0.0f;
                for (uint c = 0; c < d; c++) {
                    dot = fma(q_tile[row * d + c], kv_tile[j * pitch + c], dot);
                }
                s = dot * p.scale;
            }
            scores[row * bk + j] = s;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint t = lid; t < nk * d; t += GROUP_SIZE) {
            uint j = t / d;
            kv_tile[j * pitch + (t - j * d)] = load_elem(v_src, t);
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        // this row's keys in the tile: [0, seen)
        const uint seen = limit < (long) kt ? 0 : (uint) min((ulong) nk, (ulong) (limit - (long) kt) + 1);
        float tile_max = -INFINITY;
        for (uint j = 0; j < seen; j++) {
            tile_max = max_nan(tile_max, scores[row * bk + j]);
        }
        if (!(tile_max == -INFINITY)) { // NaN included
            const float m_new = max_nan(m, tile_max);
            const float correction = exp(m - m_new); // 0 while nothing was seen
            l *= correction;
#pragma unroll
            for (uint u = 0; u < COLS_PER_THREAD; u++) {
                o[u] *= correction;
            }
            for (uint j = 0; j < seen; j++) {
                const float pj = exp(scores[row * bk + j] - m_new);
                l += pj;
                const __local float *v_row = kv_tile + j * pitch;
#pragma unroll
                for (uint u = 0; u < COLS_PER_THREAD; u++) {
                    const uint c = lane + ROW_THREADS * u;
                    if (c < d) {
                        o[u] = fma(pj, v_row[c], o[u]);
                    }
                }
            }
            m = m_new;
        }
    }
    *m_out = m;
    *l_out = l;
}

// Stages rows [0, rows) of q_rows ([rows, D], contiguous) into q_tile as float.
inline void stage_queries(const __global elem_t *q_rows, uint rows, uint d, __local float *q_tile) {
    for (uint t = get_local_id(0); t < rows * d; t += GROUP_SIZE) {
        q_tile[t] = load_elem(q_rows, t);
    }
}

// L_b: the keys batch b uses, kv_lengths[b] clamped to [0, Skv].
inline ulong kv_length(const __global int *kv_lengths, ulong b, const AttentionParams p) {
    if (!p.has_lengths) {
        return p.skv;
    }
    const int len = kv_lengths[b];
    return len <= 0 ? 0 : min((ulong) len, p.skv);
}

// The last key query i may see with len keys (LONG_MAX when not causal; < 0 when none).
inline long last_key(ulong i, ulong len, const AttentionParams p) {
    return p.causal ? (long) i + ((long) len - (long) p.sq) : LONG_MAX;
}

// One past the last key that query i may see, in [0, len].
inline ulong visible_end(ulong i, ulong len, const AttentionParams p) {
    const long last = last_key(i, len, p);
    return last < 0 ? 0 : min(len, (ulong) last + 1);
}

// The 16 queries from q0 of head bh (b * Hq + h): stage, attend over their visible keys, write.
inline void attend_query_block(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                               const __global int *kv_lengths, __global elem_t *out, const AttentionParams p,
                               ulong bh, ulong q0, __local float *q_tile, __local float *kv_tile, __local float *scores) {
    const uint lid = get_local_id(0);
    const uint row = lid / ROW_THREADS;
    const uint lane = lid % ROW_THREADS;
    const ulong b = bh / p.hq;
    const ulong kv_head = (bh % p.hq) / (p.hq / p.hkv);
    const ulong kv_offset = (b * p.hkv + kv_head) * p.skv * p.d;
    const uint rows = (uint) min((ulong) ROWS, p.sq - q0);
    const ulong i = q0 + row;
    const ulong len = kv_length(kv_lengths, b, p);

    stage_queries(q + (bh * p.sq + q0) * p.d, rows, p.d, q_tile);
    long limit = row >= rows ? -1 : min(last_key(i, len, p), (long) len - 1);
    float m, l;
    float o[COLS_PER_THREAD];
#pragma unroll
    for (uint u = 0; u < COLS_PER_THREAD; u++) {
        o[u] = 0.0f;
    }
    attend_keys(k + kv_offset, v + kv_offset, 0, visible_end(q0 + rows - 1, len, p), limit, p,
                q_tile, kv_tile, scores, &m, &l, o);

    if (row < rows) {
        // a row that sees a key divides by l as it is: NaN from a NaN score, 0 (-> NaN) when every score was -inf
        const bool sees = limit >= 0;
        __global elem_t *dst = out + (bh * p.sq + i) * p.d;
#pragma unroll
        for (uint u = 0; u < COLS_PER_THREAD; u++) {
            const uint c = lane + ROW_THREADS * u;
            if (c < p.d) {
                store_elem(dst, c, sees ? o[u] / l : 0.0f);
            }
        }
    }
}

// Grid: dimension 0 is B * Hq work-groups; dimension 1 the query blocks, capped by the host at
// 65535 (a limit of some drivers), each work-group striding over the blocks it is given. Every
// read of q_tile ends before a barrier inside attend_keys, so the next block may restage it.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void attention_flash_tiled(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                           const __global int *kv_lengths, __global elem_t *out, const AttentionParams p,
                           __local float *q_tile, __local float *kv_tile, __local float *scores) {
    const ulong blocks = (p.sq + ROWS - 1) / ROWS;
    for (ulong block = get_group_id(1); block < blocks; block += get_num_groups(1)) {
        attend_query_block(q, k, v, kv_lengths, out, p, get_group_id(0), block * ROWS, q_tile, kv_tile, scores);
    }
}

// Partial results: for row r (its index in q order) and split s, partial_o[(r * splits + s) * D + c]
// is the unnormalized output and partial_ml[2 * (r * splits + s)] its max, + 1 its sum. A split
// in which the row sees no key writes max -inf, sum 0 and zeros.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void attention_decode_split(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                            const __global int *kv_lengths, __global float *partial_o, __global float *partial_ml,
                            const AttentionParams p, __local float *q_tile, __local float *kv_tile, __local float *scores) {
    const uint lid = get_local_id(0);
    const uint row = lid / ROW_THREADS;
    const uint lane = lid % ROW_THREADS;
    const ulong bkv = get_group_id(0); // b * Hkv + kv head
    const ulong r0 = (ulong) get_group_id(1) * ROWS;
    const uint split = get_group_id(2);
    const ulong group = p.hq / p.hkv;
    const ulong group_rows = group * p.sq; // (query head, query) pairs of this kv head, in q order
    // Those rows are contiguous in q and out: head kv_head * group + g, query i is row g * Sq + i.
    const ulong first_row = ((bkv / p.hkv) * p.hq + (bkv % p.hkv) * group) * p.sq;
    const ulong kv_offset = bkv * p.skv * p.d;
    const uint rows = (uint) min((ulong) ROWS, group_rows - r0);
    const ulong len = kv_length(kv_lengths, bkv / p.hkv, p);

    stage_queries(q + (first_row + r0) * p.d, rows, p.d, q_tile);
    long limit = -1;
    if (row < rows) {
        limit = min(last_key((r0 + row) % p.sq, len, p), (long) len - 1);
    }
    // The last key any row of the group may see: from its latest query.
    ulong latest = 0;
    for (uint r = 0; r < rows; r++) {
        latest = max(latest, (r0 + r) % p.sq);
    }
    const ulong visible = visible_end(latest, len, p);
    const ulong tiles = (visible + p.bk - 1) / p.bk;
    const ulong k_begin = tiles * split / p.splits * p.bk;
    const ulong k_end = min(tiles * (split + 1) / p.splits * p.bk, visible); // == k_begin: an empty split

    float m, l;
    float o[COLS_PER_THREAD];
#pragma unroll
    for (uint u = 0; u < COLS_PER_THREAD; u++) {
        o[u] = 0.0f;
    }
    attend_keys(k + kv_offset, v + kv_offset, k_begin, k_end, limit, p, q_tile, kv_tile, scores, &m, &l, o);

    if (row < rows) {
        const ulong slot = (first_row + r0 + row) * p.splits + split;
        __global float *dst = partial_o + slot * p.d;
#pragma unroll
        for (uint u = 0; u < COLS_PER_THREAD; u++) {
            const uint c = lane + ROW_THREADS * u;
            if (c < p.d) {
                dst[c] = o[u];
            }
        }
        if (lane == 0) {
            partial_ml[2 * slot] = m;
            partial_ml[2 * slot + 1] = l;
        }
    }
}

// One work-item per (row, column) over all B * Hq * Sq rows, in a one-dimensional grid of
// ceil(D / 64) work-groups per row: out = sum_s w_s o_s / sum_s w_s l_s with
// w_s = exp(m_s - max_s m_s), over the splits whose max is not -inf (those past L_b, or past the
// row's causal limit, are empty; a NaN max makes the row NaN); zeros for a row that sees no key.
__kernel __attribute__((reqd_work_group_size(COMBINE_THREADS, 1, 1)))
void attention_decode_combine(const __global float *partial_o, const __global float *partial_ml,
                              const __global int *kv_lengths, __global elem_t *out, const AttentionParams p) {
    const ulong column_groups = (p.d + COMBINE_THREADS - 1) / COMBINE_THREADS;
    const ulong row = get_group_id(0) / column_groups;
    const uint c = (uint) (get_group_id(0) % column_groups) * COMBINE_THREADS + get_local_id(0);
    if (c >= p.d) {
        return;
    }
    if (visible_end(row % p.sq, kv_length(kv_lengths, row / (p.hq * p.sq), p), p) == 0) {
        store_elem(out, row * p.d + c, 0.0f);
        return;
    }
    const ulong first = row * p.splits;
    float m = -INFINITY;
    for (uint s = 0; s < p.splits; s++) {
        m = max_nan(m, partial_ml[2 * (first + s)]);
    }
    float num = 0.0f;
    float den = 0.0f;
    for (uint s = 0; s < p.splits; s++) {
        const float ms = partial_ml[2 * (first + s)];
        if (!(ms == -INFINITY)) {
            const float w = exp(ms - m);
            num = fma(w, partial_o[(first + s) * p.d + c], num);
            den = fma(w, partial_ml[2 * (first + s) + 1], den);
        }
    }
    store_elem(out, row * p.d + c, num / den); // 0 / 0 = NaN when every score it sees is -inf, as in exact arithmetic
}
