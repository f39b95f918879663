// Softmax over the last dimension: x [rows, cols] -> out [rows, cols], both ELEM_DTYPE, F32
// arithmetic, max-subtracted. -inf gets 0; a row all -inf gives zeros; a row holding NaN or +inf
// gives NaN everywhere (what exp(x - max) / sum yields there). out may be x.
//
// Each row is handled by a segment of threads_per_row work-items (a power of two, 1 to 256) of a
// 256-wide work-group: a work-group per row when rows are long (threads_per_row = 256, rows of
// any length, millions included), several rows per work-group when they are short (the host
// picks about cols / 4 work-items per row), so that no work-group idles on a 7-wide row.
// Pass 1 reads the row once, coalesced, keeping a running (max, compensated sum of exp(x - max))
// per work-item that rescales its sum when the max grows (online softmax, row_stats.h); the segment combines
// them by a tree reduction in local memory. Pass 2 reads the row again and writes
// exp(x - max) / sum. Every work-item writes only the elements it read after the reduction's
// barrier, so out may alias x.
//
// Variants: softmax_rows (x and out distinct) and softmax_rows_in_place (out is x: one buffer
// argument, since binding one buffer to two arguments is not something every driver promises).
#include "common.h"
#include "params.h"
#include "row_stats.h"

// The reduction arrays hold GROUP_SIZE entries; OpenCL 1.2 declares __local only at kernel scope.
inline void softmax_body(const __global elem_t *x, __global elem_t *out, const SoftmaxParams p,
                         __local float *red_max, __local float *red_sum, __local int *red_bad) {
    const uint lid = get_local_id(0);
    const uint tpr = p.threads_per_row;
    const uint lane = lid & (tpr - 1);
    const ulong row = (ulong) get_group_id(0) * (GROUP_SIZE / tpr) + lid / tpr;
    const bool active = row < p.rows;
    const ulong base = row * p.cols;

    row_stats mine = stats_empty();
    if (active) {
        for (ulong j = lane; j < p.cols; j += tpr) {
            stats_add(&mine, load_elem(x, base + j));
        }
    }
    float row_max, row_sum;
    int row_bad;
    reduce_row_stats(mine, tpr, red_max, red_sum, red_bad, &row_max, &row_sum, &row_bad);

    if (active) {
        for (ulong j = lane; j < p.cols; j += tpr) {
            store_elem(out, base + j, row_probability(load_elem(x, base + j), row_max, row_sum, row_bad));
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void softmax_rows(const __global elem_t *x, __global elem_t *out, const SoftmaxParams p) {
    __local float red_max[GROUP_SIZE];
    __local float red_sum[GROUP_SIZE];
    __local int red_bad[GROUP_SIZE];
    softmax_body(x, out, p, red_max, red_sum, red_bad);
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void softmax_rows_in_place(__global elem_t *x, const SoftmaxParams p) {
    __local float red_max[GROUP_SIZE];
    __local float red_sum[GROUP_SIZE];
    __local int red_bad[GROUP_SIZE];
    softmax_body(x, x, p, red_max, red_sum, red_bad);
}
