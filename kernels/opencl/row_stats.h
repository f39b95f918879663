// Row softmax statistics shared by softmax.cl and topk.cl (gating): each work-item folds its
// elements of a row into (max, sum of exp(x - max), bad) online, rescaling its sum when the max
// grows (row_stats); a segment of a power-of-two number of work-items (one row) then combines
// them by the tree reduction of common.h (SEGMENT_REDUCE) in local memory. bad marks NaN or +inf,
// which make the whole row NaN.
#ifndef PANAMAX_ROW_STATS_H
#define PANAMAX_ROW_STATS_H

#include "common.h"

// Folds (m2, s2) into (m1, s1): the pair's sum rescaled to the larger max.
inline void merge_stats(float *m1, float *s1, float m2, float s2) {
    float m = fmax(*m1, m2);
    if (m == -INFINITY) {
        return; // both empty or all -inf so far
    }
    *s1 = *s1 * exp(*m1 - m) + s2 * exp(m2 - m);
    *m1 = m;
}

// One work-item's running statistics of its elements of a row. The sum is compensated (Kahan:
// carry holds what the float sum lost), so that a row of millions split among 256 work-items
// still sums to F32 precision; it is rescaled, carry included, whenever the max grows.
typedef struct {
    float max, sum, carry;
    int bad;
} row_stats;

inline row_stats stats_empty(void) {
    row_stats r = {-INFINITY, 0.0f, 0.0f, 0};
    return r;
}

inline void stats_add(row_stats *r, float x) {
    r->bad |= isnan(x) || x == INFINITY;
    float term;
    if (x > r->max) {
        const float scale = exp(r->max - x); // 0 while the max was -inf
        r->sum *= scale;
        r->carry *= scale;
        r->max = x;
        term = 1.0f;
    } else if (x > -INFINITY) {
        term = exp(x - r->max);
    } else {
        return; // -inf adds nothing; NaN only marks the row bad
    }
    const float y = term - r->carry;
    const float t = r->sum + y;
    r->carry = (t - r->sum) - y;
    r->sum = t;
}

// Folds entry `from` of the reduction arrays into entry `to`: sums rescaled to the larger max
// (fmax drops NaN, which bad carries instead), bad flags or-ed.
inline void fold_row_stats(__local float *red_max, __local float *red_sum, __local int *red_bad, uint to,
                           uint from) {
    float m1 = red_max[to];
    float s1 = red_sum[to];
    merge_stats(&m1, &s1, red_max[from], red_sum[from]);
    red_max[to] = m1;
    red_sum[to] = s1;
    red_bad[to] |= red_bad[from];
}

// Combines the statistics of the `width` work-items of each segment (lane = lid % width) and
// returns the row's through row_max, row_sum, row_bad to every work-item of the segment. Every
// work-item of the group must call it (it has barriers). The arrays hold one entry per work-item.
inline void reduce_row_stats(row_stats mine, uint width, __local float *red_max,
                             __local float *red_sum, __local int *red_bad, float *row_max, float *row_sum,
                             int *row_bad) {
    const uint lid = get_local_id(0);
    const uint lane = lid & (width - 1);
    red_max[lid] = mine.max;
    red_sum[lid] = mine.sum - mine.carry;
    red_bad[lid] = mine.bad;
    barrier(CLK_LOCAL_MEM_FENCE);
#define FOLD_ROW_STATS(to, from) fold_row_stats(red_max, red_sum, red_bad, to, from)
    SEGMENT_REDUCE(lid, lane, width, FOLD_ROW_STATS)
#undef FOLD_ROW_STATS
    const uint head = lid - lane;
    *row_max = red_max[head];
    *row_sum = red_sum[head];
    *row_bad = red_bad[head];
}

// exp(x - row_max) / row_sum with the row rules: NaN for a bad row, 0 for a row all -inf.
inline float row_probability(float x, float row_max, float row_sum, int row_bad) {
    return row_bad ? NAN : row_max == -INFINITY ? 0.0f : exp(x - row_max) / row_sum;
}

#endif
