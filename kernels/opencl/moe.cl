// The MoE family: grouped GEMM and the mixture-of-experts SwiGLU layer, accumulated in F32.
//
// grouped_matmul: x [rows, inner] (ELEM_DTYPE), w [groups, cols, inner] ([out, in]), ends I32
//   [groups] -> out [rows, cols] (OUT_DTYPE). With e_g = ends[g] clamped to [0, rows] and s_g the
//   largest e before g (0 for g = 0), rows [s_g, e_g) are x · w[g]ᵀ; the rows from the largest end
//   on belong to no group and get zeros. ends is read only here, on the device, whatever it holds.
//   The grid's row dimension holds the row tiles of every group at once (at most
//   ceil(rows / 64) + groups of them): a work-group finds its group by walking ends (find_tile),
//   so a group of no rows costs no work-group and one launch runs every group. Any grid covers
//   any size: the work-groups stride over the row tiles (the host caps dimension 1 at 65535).
// moe (four launches, no host round trip; the host queues them on one in-order queue):
//   moe_align:   one work-group, no atomics. A stable counting sort: the pairs taken 256 at a time
//                in pair order, each ranked among the earlier pairs of its chunk with the same
//                expert; a first pass counts each expert's pairs (the chunk's last pair of an
//                expert adds the chunk's count), one work-item prefix-sums the counts into
//                group_ends (the ends of each expert's rows in expert order), a second pass puts
//                each pair at its expert's cursor plus its rank. sorted_rows[row] is the
//                pair's token, slot_of[pair] its row or -1 when its expert is outside [0, E).
//   moe_gate_up: the grouped GEMM of the gathered rows of x (through sorted_rows) against gate[e]
//                and up[e] at once (two accumulators per work-item), silu(gate) * up stored to
//                act [pairs, ffn] in ELEM_DTYPE.
//   grouped_matmul with OUT_DTYPE F32: act by down[e] into y [pairs, hidden] F32.
//   moe_combine: out[t] = sum over j in order of weights[t, j] · y[slot_of[t, j]] in F32 (one fma
//                per slot), rounded once to ELEM_DTYPE; no atomics, so the bits never vary.
// Decoding (pairs <= 16: a few tokens, each expert's weights read by a row or two): in place of the
//   two tiled GEMMs, moe_gate_up_rows and moe_down_rows, 32 work-items per output element (row,
//   column), lane-strided along the weight row and folded by SEGMENT_REDUCE, the row's expert found
//   by a binary search of group_ends: each chosen expert's weights streamed once per row.
// Tiles: 16 x 16 work-items per 64 x 64 tile, 16 deep, each work-item a 4 x 4 block (rows
// ty + 16 i, columns tx + 16 j), operands converted to float in local memory as gemm.cl does.
#include "common.h"
#include "params.h"
#include "grouped.h"

// acc0 += A · b0ᵀ and, when b1 is not NULL, acc1 += A · b1ᵀ over the tile's rows [row0, row_end)
// and columns from col0; A's row r is row rows_of[r] of a (row r when rows_of is NULL); b0 and b1
// are [cols, inner].
inline void tile_product(const __global elem_t *a, const __global int *rows_of, const __global elem_t *b0,
                         const __global elem_t *b1, ulong row0, ulong row_end, ulong col0, ulong cols, ulong inner,
                         __local float (*a_tile)[TILE_M + 1], __local float (*b0_tile)[TILE_N + 1],
                         __local float (*b1_tile)[TILE_N + 1], float acc0[BLOCK][BLOCK], float acc1[BLOCK][BLOCK]) {
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * THREADS + tx;
#define LOAD_A(i) load_elem(a, i)
#define LOAD_B0(i) load_elem(b0, i)
#define LOAD_B1(i) load_elem(b1, i)
    for (ulong k0 = 0; k0 < inner; k0 += TILE_K) {
        STAGE_TILES(LOAD_A, LOAD_B0, LOAD_B1)
        barrier(CLK_LOCAL_MEM_FENCE);
        TILE_MACS(acc0, acc1)
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#undef LOAD_A
#undef LOAD_B0
#undef LOAD_B1
}

// The grouped GEMM over every group's row tiles, this work-group's columns from col0: out =
// x · b0[g]ᵀ (OUT_DTYPE), or with b1 (gate and up) act = silu(x · b0[g]ᵀ) * (x · b1[g]ᵀ) (ELEM_DTYPE);
// x's rows through rows_of when it is not NULL.
inline void grouped_tiles(const __global elem_t *x, const __global int *rows_of, const __global elem_t *b0,
                          const __global elem_t *b1, const __global int *ends, __global out_t *out, __global elem_t *act,
                          ulong rows, ulong cols, ulong inner, ulong groups, __local float (*a_tile)[TILE_M + 1],
                          __local float (*b0_tile)[TILE_N + 1], __local float (*b1_tile)[TILE_N + 1]) {
    const ulong col0 = (ulong) get_group_id(0) * TILE_N;
    const ulong tiles = (rows + TILE_M - 1) / TILE_M + groups;
    for (ulong tile = get_group_id(1); tile < tiles; tile += get_num_groups(1)) {
        ulong row0 = 0, row_end = 0;
        const long g = find_tile(ends, groups, rows, tile, &row0, &row_end);
        if (g == -2) {
            break; // the same for the whole work-group, and for every later tile
        }
        float acc0[BLOCK][BLOCK], acc1[BLOCK][BLOCK];
        clear(acc0);
        clear(acc1);
        if (g >= 0) {
            const ulong at = (ulong) g * cols * inner;
            tile_product(x, rows_of, b0 + at, b1 ? b1 + at : 0, row0, row_end, col0, cols, inner, a_tile, b0_tile, b1_tile,
                         acc0, acc1);
        }
#pragma unroll
        for (int i = 0; i < BLOCK; i++) {
            const ulong row = row0 + get_local_id(1) + THREADS * i;
#pragma unroll
            for (int j = 0; j < BLOCK; j++) {
                const ulong col = col0 + get_local_id(0) + THREADS * j;
                if (row < row_end && col < cols) {
                    if (b1) {
                        const float s = acc0[i][j];
                        store_elem(act, row * cols + col, s / (1.0f + exp(-s)) * acc1[i][j]);
                    } else {
                        store_out(out, row * cols + col, acc0[i][j]);
                    }
                }
            }
        }
    }
}

__kernel __attribute__((reqd_work_group_size(THREADS, THREADS, 1)))
void grouped_matmul(const __global elem_t *x, const __global elem_t *w, const __global int *ends, __global out_t *out,
                    const GroupedParams p) {
    __local float a_tile[TILE_K][TILE_M + 1];
    __local float b_tile[TILE_K][TILE_N + 1];
    grouped_tiles(x, 0, w, 0, ends, out, 0, p.rows, p.cols, p.inner, p.groups, a_tile, b_tile, b_tile);
}

// The pairs [base, base + GROUP_SIZE) of one chunk: this work-item's expert (or -1), its rank among
// the earlier pairs of the chunk with the same expert, and whether it is the chunk's last of them.
inline int rank_in_chunk(const __global int *experts, ulong base, const MoeParams p, __local int *chunk, int *rank,
                         int *last) {
    const int lid = get_local_id(0);
    const ulong q = base + lid;
    const int e0 = q < p.pairs ? experts[q] : -1;
    const int e = e0 >= 0 && (ulong) e0 < p.experts ? e0 : -1;
    chunk[lid] = e;
    barrier(CLK_LOCAL_MEM_FENCE);
    int r = 0, l = 1;
    if (e >= 0) {
        for (int i = 0; i < lid; i++) {
            r += chunk[i] == e;
        }
        for (int i = lid + 1; i < GROUP_SIZE; i++) {
            l &= chunk[i] != e;
        }
    }
    *rank = r;
    *last = l;
    return e;
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void moe_align(const __global int *experts, __global int *cursor, __global int *sorted_rows, __global int *slot_of,
               __global int *group_ends, const MoeParams p) {
    __local int chunk[GROUP_SIZE];
    const int lid = get_local_id(0);
    for (ulong e = lid; e < p.experts; e += GROUP_SIZE) {
        cursor[e] = 0;
    }
    barrier(CLK_GLOBAL_MEM_FENCE);
    // counts: the last pair of each expert in a chunk adds the chunk's count (one writer per expert)
    for (ulong base = 0; base < p.pairs; base += GROUP_SIZE) {
        int rank, last;
        const int e = rank_in_chunk(experts, base, p, chunk, &rank, &last);
        if (e >= 0 && last) {
            cursor[e] += rank + 1;
        }
        barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        int sum = 0;
        for (ulong e = 0; e < p.experts; e++) {
            const int c = cursor[e];
            cursor[e] = sum;
            sum += c;
            group_ends[e] = sum;
        }
    }
    barrier(CLK_GLOBAL_MEM_FENCE);
    // rows: the same chunks again, each pair at its expert's cursor plus its rank
    for (ulong base = 0; base < p.pairs; base += GROUP_SIZE) {
        int rank, last;
        const ulong q = base + lid;
        const int e = rank_in_chunk(experts, base, p, chunk, &rank, &last);
        if (e >= 0) {
            const int row = cursor[e] + rank;
            sorted_rows[row] = (int) (q / p.k);
            slot_of[q] = row;
        } else if (q < p.pairs) {
            slot_of[q] = -1;
        }
        barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE); // every cursor read before the last of each expert moves it
        if (e >= 0 && last) {
            cursor[e] += rank + 1;
        }
        barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
    }
}

__kernel __attribute__((reqd_work_group_size(THREADS, THREADS, 1)))
void moe_gate_up(const __global elem_t *x, const __global elem_t *gate, const __global elem_t *up,
                 const __global int *sorted_rows, const __global int *group_ends, __global elem_t *act, const MoeParams p) {
    __local float a_tile[TILE_K][TILE_M + 1];
    __local float g_tile[TILE_K][TILE_N + 1];
    __local float u_tile[TILE_K][TILE_N + 1];
    grouped_tiles(x, sorted_rows, gate, up, group_ends, 0, act, p.pairs, p.ffn, p.hidden, p.experts, a_tile, g_tile, u_tile);
}

// ---------------------------------------------------------------- decode: few rows, 32 work-items per dot

#define ROW_LANES 32
#define DOTS_PER_GROUP (GROUP_SIZE / ROW_LANES)
#define FOLD_DOTS(to, from) \
    {                       \
        s0[to] += s0[from]; \
        s1[to] += s1[from]; \
    }

// act[r, f] = silu(gate_e[f] · x_t) * (up_e[f] · x_t), 32 work-items per (r, f), folded by SEGMENT_REDUCE.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void moe_gate_up_rows(const __global elem_t *x, const __global elem_t *gate, const __global elem_t *up,
                      const __global int *sorted_rows, const __global int *group_ends, __global elem_t *act,
                      const MoeParams p) {
    __local float s0[GROUP_SIZE], s1[GROUP_SIZE];
    const uint lid = get_local_id(0), lane = lid & (ROW_LANES - 1);
    const ulong items = p.pairs * p.ffn;
    for (ulong base = (ulong) get_group_id(1) * DOTS_PER_GROUP; base < items;
         base += (ulong) get_num_groups(1) * DOTS_PER_GROUP) {
        const ulong item = base + lid / ROW_LANES;
        const ulong r = item / p.ffn, f = item - r * p.ffn;
        const int valid = item < items && expert_of_row(group_ends, p.experts, r) < p.experts;
        float d0 = 0.0f, d1 = 0.0f;
        if (valid) {
            const ulong w = (expert_of_row(group_ends, p.experts, r) * p.ffn + f) * p.hidden;
            const __global elem_t *xr = x + (ulong) sorted_rows[r] * p.hidden;
            for (ulong i = lane; i < p.hidden; i += ROW_LANES) {
                const float a = load_elem(xr, i);
                d0 = fma(a, load_elem(gate + w, i), d0);
                d1 = fma(a, load_elem(up + w, i), d1);
            }
        }
        s0[lid] = d0;
        s1[lid] = d1;
        barrier(CLK_LOCAL_MEM_FENCE);
        SEGMENT_REDUCE(lid, lane, ROW_LANES, FOLD_DOTS)
        if (valid && lane == 0) {
            const float g = s0[lid];
            store_elem(act, r * p.ffn + f, g / (1.0f + exp(-g)) * s1[lid]);
        }
        barrier(CLK_LOCAL_MEM_FENCE); // the heads read their sums before the next round writes
    }
}

// y[r, h] = down_e[h] · act[r] (F32), 32 work-items per (r, h).
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void moe_down_rows(const __global elem_t *act, const __global elem_t *down, const __global int *group_ends,
                   __global float *y, const MoeParams p) {
    __local float s0[GROUP_SIZE], s1[GROUP_SIZE];
    const uint lid = get_local_id(0), lane = lid & (ROW_LANES - 1);
    const ulong items = p.pairs * p.hidden;
    for (ulong base = (ulong) get_group_id(1) * DOTS_PER_GROUP; base < items;
         base += (ulong) get_num_groups(1) * DOTS_PER_GROUP) {
        const ulong item = base + lid / ROW_LANES;
        const ulong r = item / p.hidden, h = item - r * p.hidden;
        const int valid = item < items && expert_of_row(group_ends, p.experts, r) < p.experts;
        float d0 = 0.0f;
        if (valid) {
            const ulong w = (expert_of_row(group_ends, p.experts, r) * p.hidden + h) * p.ffn;
            const __global elem_t *ar = act + r * p.ffn;
            for (ulong i = lane; i < p.ffn; i += ROW_LANES) {
                d0 = fma(load_elem(ar, i), load_elem(down + w, i), d0);
            }
        }
        s0[lid] = d0;
        s1[lid] = 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        SEGMENT_REDUCE(lid, lane, ROW_LANES, FOLD_DOTS)
        if (valid && lane == 0) {
            y[r * p.hidden + h] = s0[lid];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void moe_combine(const __global float *y, const __global float *weights, const __global int *slot_of,
                 __global elem_t *out, const MoeParams p) {
    const ulong total = p.tokens * p.hidden;
    for (ulong i = (ulong) get_group_id(1) * GROUP_SIZE + get_local_id(0); i < total;
         i += (ulong) get_num_groups(1) * GROUP_SIZE) {
        const ulong t = i / p.hidden, h = i - t * p.hidden;
        float acc = 0.0f;
        for (uint j = 0; j < p.k; j++) {
            const int s = slot_of[t * p.k + j];
            if (s >= 0) {
                acc = fma(weights[t * p.k + j], y[(ulong) s * p.hidden + h], acc);
            }
        }
        store_elem(out, i, acc);
    }
}
