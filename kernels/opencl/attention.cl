// Attention: out = softmax(scale * q k^T + mask) v, flash-style (the [Sq, Skv] scores are never
// stored: key tiles stream through local memory under an online softmax).
//
// Shapes, row-major, ELEM_DTYPE: q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], out [B, Hq, Sq, D],
// 1 <= D <= 256. Query head h reads kv head h / (Hq / Hkv) (GQA). Causal masks aligned
// bottom-right: query i sees key j iff j <= i + (Skv - Sq). A query that sees no key gets zeros.
//
// Every variant works on ROWS = 16 query rows per 256-wide work-group, ROW_THREADS = 16
// work-items per row. Per key tile of bk keys (32, 16 or 8, as the device's local memory allows
// for D): the K tile is staged in local memory (rows padded to D + 1 floats, so the 16 work-items
// of a row, each scoring its own keys, read distinct banks); each work-item scores its keys
// against its row's q (staged once in local memory); the V tile replaces the K tile; each
// work-item rescales and accumulates its 16 strided columns of the row's output in registers.
// Key tiles past the last key any of the group's rows may see are never loaded (causal).
//
// Variants:
// - attention_flash_tiled: a work-group per (batch, head, block of 16 queries), over all keys;
//   chosen when Sq > 16.
// Grids put the dimension that may be large (batch x heads) first: some drivers allow only 65535
// work-groups along dimensions 1 and 2.
// - attention_decode_split + attention_decode_combine: decoding (Sq <= 16, Sq == 1 above all). A
//   work-group per (batch, kv head, block of 16 rows, key split): its rows are the (query head,
//   query) pairs that share the kv head, so K and V are read once for the whole GQA group, and the
//   keys are split across work-groups so that a long KV cache keeps the device busy. Each split
//   writes its unnormalized partial output with its max and sum (F32 scratch); the combine kernel
//   merges the splits of each row by their log-sum-exp and writes out.
#include "common.h"
#include "params.h"

#define ROWS 16
#define ROW_THREADS 16
#define MAX_D 256
#define COLS_PER_THREAD (MAX_D / ROW_THREADS)
#define COMBINE_THREADS 64

// Streams keys [k_begin, k_end) of one kv head (k_head and v_head point at its [Skv, D] rows)
// past the group's query rows, staged in q_tile [ROWS, D]. limit is this work-item's row's last
// visible key (LONG_MAX when not causal, -1 for a row past the end). On return m and l are the
// row's running max and sum of exp(score - m), o the work-item's columns lane + 16 u of the
// unnormalized output. q_tile must be written before the call; the first barrier orders it.
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

        float tile_max = -INFINITY;
        for (uint j = 0; j < nk; j++) {
            tile_max = fmax(tile_max, scores[row * bk + j]);
        }
        if (tile_max > -INFINITY) {
            const float m_new = fmax(m, tile_max);
            const float correction = exp(m - m_new); // 0 while nothing was seen
            l *= correction;
#pragma unroll
            for (uint u = 0; u < COLS_PER_THREAD; u++) {
                o[u] *= correction;
            }
            for (uint j = 0; j < nk; j++) {
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

// One past the last key that query i may see, clamped to [0, skv].
inline ulong visible_end(ulong i, const AttentionParams p) {
    if (!p.causal) {
        return p.skv;
    }
    long last = (long) i + ((long) p.skv - (long) p.sq);
    return last < 0 ? 0 : min(p.skv, (ulong) last + 1);
}

// The 16 queries from q0 of head bh (b * Hq + h): stage, attend over their visible keys, write.
inline void attend_query_block(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                               __global elem_t *out, const AttentionParams p, ulong bh, ulong q0,
                               __local float *q_tile, __local float *kv_tile, __local float *scores) {
    const uint lid = get_local_id(0);
    const uint row = lid / ROW_THREADS;
    const uint lane = lid % ROW_THREADS;
    const ulong b = bh / p.hq;
    const ulong kv_head = (bh % p.hq) / (p.hq / p.hkv);
    const ulong kv_offset = (b * p.hkv + kv_head) * p.skv * p.d;
    const uint rows = (uint) min((ulong) ROWS, p.sq - q0);
    const ulong i = q0 + row;

    stage_queries(q + (bh * p.sq + q0) * p.d, rows, p.d, q_tile);
    long limit = row >= rows ? -1 : p.causal ? (long) i + ((long) p.skv - (long) p.sq) : LONG_MAX;
    float m, l;
    float o[COLS_PER_THREAD];
#pragma unroll
    for (uint u = 0; u < COLS_PER_THREAD; u++) {
        o[u] = 0.0f;
    }
    attend_keys(k + kv_offset, v + kv_offset, 0, visible_end(q0 + rows - 1, p), limit, p,
                q_tile, kv_tile, scores, &m, &l, o);

    if (row < rows) {
        __global elem_t *dst = out + (bh * p.sq + i) * p.d;
#pragma unroll
        for (uint u = 0; u < COLS_PER_THREAD; u++) {
            const uint c = lane + ROW_THREADS * u;
            if (c < p.d) {
                store_elem(dst, c, l > 0.0f ? o[u] / l : 0.0f);
            }
        }
    }
}

// Grid: dimension 0 is B * Hq work-groups; dimension 1 the query blocks, capped by the host at
// 65535 (a limit of some drivers), each work-group striding over the blocks it is given. Every
// read of q_tile ends before a barrier inside attend_keys, so the next block may restage it.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void attention_flash_tiled(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                           __global elem_t *out, const AttentionParams p,
                           __local float *q_tile, __local float *kv_tile, __local float *scores) {
    const ulong blocks = (p.sq + ROWS - 1) / ROWS;
    for (ulong block = get_group_id(1); block < blocks; block += get_num_groups(1)) {
        attend_query_block(q, k, v, out, p, get_group_id(0), block * ROWS, q_tile, kv_tile, scores);
    }
}

// Partial results: for row r (its index in q order) and split s, partial_o[(r * splits + s) * D + c]
// is the unnormalized output and partial_ml[2 * (r * splits + s)] its max, + 1 its sum.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void attention_decode_split(const __global elem_t *q, const __global elem_t *k, const __global elem_t *v,
                            __global float *partial_o, __global float *partial_ml, const AttentionParams p,
                            __local float *q_tile, __local float *kv_tile, __local float *scores) {
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

    stage_queries(q + (first_row + r0) * p.d, rows, p.d, q_tile);
    long limit = -1;
    if (row < rows) {
        limit = p.causal ? (long) ((r0 + row) % p.sq) + ((long) p.skv - (long) p.sq) : LONG_MAX;
    }
    // The last key any row of the group may see: from its latest query.
    ulong latest = 0;
    for (uint r = 0; r < rows; r++) {
        latest = max(latest, (r0 + r) % p.sq);
    }
    const ulong k_begin = (ulong) split * p.kv_chunk;
    const ulong k_end = min(min(p.skv, k_begin + p.kv_chunk), visible_end(latest, p));

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
// w_s = exp(m_s - max_s m_s), over the splits that saw a key; zeros when none did.
__kernel __attribute__((reqd_work_group_size(COMBINE_THREADS, 1, 1)))
void attention_decode_combine(const __global float *partial_o, const __global float *partial_ml,
                              __global elem_t *out, const AttentionParams p) {
    const ulong column_groups = (p.d + COMBINE_THREADS - 1) / COMBINE_THREADS;
    const ulong row = get_group_id(0) / column_groups;
    const uint c = (uint) (get_group_id(0) % column_groups) * COMBINE_THREADS + get_local_id(0);
    if (c >= p.d) {
        return;
    }
    const ulong first = row * p.splits;
    float m = -INFINITY;
    for (uint s = 0; s < p.splits; s++) {
        if (partial_ml[2 * (first + s) + 1] > 0.0f) {
            m = fmax(m, partial_ml[2 * (first + s)]);
        }
    }
    float num = 0.0f;
    float den = 0.0f;
    for (uint s = 0; s < p.splits; s++) {
        const float l = partial_ml[2 * (first + s) + 1];
        if (l > 0.0f) {
            const float w = exp(partial_ml[2 * (first + s)] - m);
            num = fma(w, partial_o[(first + s) * p.d + c], num);
            den = fma(w, l, den);
        }
    }
    store_elem(out, row * p.d + c, den > 0.0f ? num / den : 0.0f);
}
