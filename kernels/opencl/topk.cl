// Top-K: MoE gating (softmax, top-k, renormalize in one kernel) and general top-K over rows.
//
// Ordering rule (both ops, as order_key in common.h encodes it): a larger value first, NaN above
// everything, equal values (-0.0 and 0.0 included) by the lower index first. Gating selects on
// the logits, whose order is the order of the probabilities. Indices are always in [0, n).
//
// Variants:
// - topk_gating: logits [T, E] (ELEM_DTYPE, E <= 4096) -> weights [T, k] F32, experts [T, k] I32,
//   k <= 64. A segment of threads_per_token work-items (a power of two, 1 to 256) per token,
//   256 / threads_per_token tokens per work-group; the token's logits are staged in local memory.
//   The segment reduces the softmax max and sum (row_stats.h, as softmax.cl), then selects k times:
//   each work-item keeps the best key among its own experts, the same tree reduction
//   (SEGMENT_REDUCE, common.h) finds the segment's best, and only the work-item that owned it
//   rescans its (at most 16) experts. Weights are exp(x - max) / sum of the chosen experts,
//   divided by their sum when renormalizing.
// - topk_rows_bitonic: rows of n <= 2048 (x [rows, n] -> values [rows, k] ELEM_DTYPE, exact
//   copies of x's elements, indices [rows, k] I32). The keys of 2048 / P rows (P = n rounded up to
//   a power of two) are sorted in local memory by one bitonic network, each row in its own
//   aligned block of P, padded with the "no element" key 0.
// - topk_rows_radix_select: longer rows, a work-group per row. A radix select over the 64-bit
//   keys (value key, then index), 8 bits a pass with a local-memory histogram (local atomics,
//   no global ones), finds the k-th key after 2 to 8 reads of the row; one more read gathers the
//   k keys at or above it (k <= 1024) into local memory, where a bitonic sort orders them.
#include "common.h"
#include "params.h"
#include "row_stats.h"

#define GATING_MAX_ELEMENTS 4096 // tokens per group * experts (the host keeps to it)
#define GATING_MAX_PER_THREAD 16 // experts per work-item: 4096 / 256
#define BITONIC_SIZE 2048
#define RADIX_MAX_K 1024

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void topk_gating(const __global elem_t *logits, __global float *weights, __global int *experts,
                 const GatingParams p) {
    __local float row_values[GATING_MAX_ELEMENTS];
    __local float red_max[GROUP_SIZE];
    __local float red_sum[GROUP_SIZE];
    __local int red_bad[GROUP_SIZE];
    __local ulong red_key[GROUP_SIZE];

    const uint lid = get_local_id(0);
    const uint tpt = p.threads_per_token;
    const uint lane = lid & (tpt - 1);
    const uint head = lid - lane;
    const uint slot = lid / tpt;
    const ulong token = (ulong) get_group_id(0) * (GROUP_SIZE / tpt) + slot;
    const bool active = token < p.tokens;
    const uint e_count = p.experts;
    __local float *values = row_values + slot * e_count;

    // Stage the row and fold this work-item's experts into the row statistics.
    row_stats stats = stats_empty();
    if (active) {
        for (uint e = lane; e < e_count; e += tpt) {
            float x = load_elem(logits, token * e_count + e);
            values[e] = x;
            stats_add(&stats, x);
        }
    }
    float row_max, row_sum;
    int row_bad;
    reduce_row_stats(stats, tpt, red_max, red_sum, red_bad, &row_max, &row_sum, &row_bad);

    // This work-item's best remaining expert; taken experts are bits of `taken`.
    uint taken = 0;
    ulong mine = 0;
    if (active) {
        for (uint u = 0, e = lane; e < e_count; u++, e += tpt) {
            mine = max(mine, order_key(values[e], e));
        }
    }
    float chosen_sum = 0.0f;
#define FOLD_MAX_KEY(to, from) (red_key[to] = max(red_key[to], red_key[from]))
    for (uint r = 0; r < p.k; r++) {
        red_key[lid] = mine;
        barrier(CLK_LOCAL_MEM_FENCE);
        SEGMENT_REDUCE(lid, lane, tpt, FOLD_MAX_KEY)
        const ulong best = red_key[head];
        barrier(CLK_LOCAL_MEM_FENCE); // everyone has read it before the next round writes
        const uint e_best = min(key_index(best), e_count - 1); // in range even if misused
        if (active && lane == 0) {
            float prob = row_probability(values[e_best], row_max, row_sum, row_bad);
            weights[token * p.k + r] = prob;
            experts[token * p.k + r] = (int) e_best;
            chosen_sum += prob;
        }
        if (active && e_best % tpt == lane) {
            taken |= 1u << (e_best / tpt);
            mine = 0;
            for (uint u = 0, e = lane; e < e_count; u++, e += tpt) {
                if (!(taken & (1u << u))) {
                    mine = max(mine, order_key(values[e], e));
                }
            }
        }
    }
#undef FOLD_MAX_KEY
    if (active && lane == 0 && p.renormalize) {
        // Only this work-item wrote the row's weights, so it may read them back.
        for (uint r = 0; r < p.k; r++) {
            // a row all -inf has p = 0 everywhere: its weights stay 0 (not 0 / 0)
            weights[token * p.k + r] = chosen_sum == 0.0f ? 0.0f : weights[token * p.k + r] / chosen_sum;
        }
    }
}

// Sorts keys[0, size) descending in aligned blocks of `block` (a power of two dividing size).
inline void bitonic_sort_blocks(__local ulong *keys, uint size, uint block) {
    for (uint width = 2; width <= block; width <<= 1) {
        for (uint stride = width >> 1; stride > 0; stride >>= 1) {
            for (uint t = get_local_id(0); t < size / 2; t += GROUP_SIZE) {
                // t-th pair: i has a 0 at bit `stride`, its partner i + stride.
                uint i = 2 * t - (t & (stride - 1));
                uint j = i + stride;
                bool descending = ((i & (block - 1)) & width) == 0;
                ulong a = keys[i];
                ulong b = keys[j];
                if ((a < b) == descending) {
                    keys[i] = b;
                    keys[j] = a;
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void topk_rows_bitonic(const __global elem_t *x, __global elem_t *values, __global int *indices,
                       const TopKParams p) {
    __local ulong keys[BITONIC_SIZE];
    const uint block = p.block;
    const uint rows_per_group = BITONIC_SIZE / block;
    const ulong row0 = (ulong) get_group_id(0) * rows_per_group;

    for (uint t = get_local_id(0); t < BITONIC_SIZE; t += GROUP_SIZE) {
        const ulong row = row0 + t / block;
        const uint j = t & (block - 1);
        keys[t] = row < p.rows && j < p.n ? order_key(load_elem(x, row * p.n + j), j) : 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    bitonic_sort_blocks(keys, BITONIC_SIZE, block);

    for (uint t = get_local_id(0); t < rows_per_group * p.k; t += GROUP_SIZE) {
        const uint r = t / p.k;
        const uint rank = t - r * p.k;
        const ulong row = row0 + r;
        if (row < p.rows) {
            const uint j = min(key_index(keys[r * block + rank]), (uint) p.n - 1);
            values[row * p.k + rank] = x[row * p.n + j];
            indices[row * p.k + rank] = (int) j;
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void topk_rows_radix_select(const __global elem_t *x, __global elem_t *values, __global int *indices,
                            const TopKParams p) {
    __local uint histogram[256];
    __local ulong chosen[RADIX_MAX_K];
    __local ulong shared_prefix;
    __local uint shared_need;
    __local int shared_done;
    __local uint gathered;

    const uint lid = get_local_id(0);
    const ulong row = get_group_id(0);
    const __global elem_t *src = x + row * p.n;

    // Invariant: the k largest keys are those whose masked bits exceed `prefix`, plus the `need`
    // largest of those whose masked bits equal it.
    ulong prefix = 0;
    ulong mask = 0;
    uint need = p.k;
    for (int shift = 56; shift >= 0; shift -= 8) {
        histogram[lid] = 0; // GROUP_SIZE == 256 bins
        barrier(CLK_LOCAL_MEM_FENCE);
        for (ulong j = lid; j < p.n; j += GROUP_SIZE) {
            const ulong key = order_key(load_elem(src, j), (uint) j);
            if ((key & mask) == prefix) {
                atomic_inc(&histogram[(uint) (key >> shift) & 255u]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid == 0) {
            uint above = 0;
            int bin = 255;
            for (; bin > 0; bin--) {
                if (above + histogram[bin] >= need) {
                    break;
                }
                above += histogram[bin];
            }
            shared_prefix = prefix | ((ulong) bin << shift);
            shared_need = need - above;
            shared_done = histogram[bin] == need - above;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        prefix = shared_prefix;
        mask |= 255ul << shift;
        need = shared_need;
        if (shared_done) {
            break; // every key with this prefix is taken: the selection is (key & mask) >= prefix
        }
        // No barrier needed here: lid 0 writes shared_* again only after two more barriers.
    }

    uint block = 2; // the k chosen keys are sorted in a power of two >= 2, padded with key 0
    while (block < p.k) {
        block <<= 1;
    }
    if (lid == 0) {
        gathered = 0;
    }
    for (uint t = lid; t < block; t += GROUP_SIZE) {
        chosen[t] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (ulong j = lid; j < p.n; j += GROUP_SIZE) {
        const ulong key = order_key(load_elem(src, j), (uint) j);
        if ((key & mask) >= prefix) {
            const uint at = atomic_inc(&gathered);
            if (at < p.k) {
                chosen[at] = key;
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    bitonic_sort_blocks(chosen, block, block);

    for (uint t = lid; t < p.k; t += GROUP_SIZE) {
        const uint j = min(key_index(chosen[t]), (uint) p.n - 1);
        values[row * p.k + t] = src[j];
        indices[row * p.k + t] = (int) j;
    }
}
