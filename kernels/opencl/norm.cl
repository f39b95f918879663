// Row norms over the last dimension: x [rows, cols] of ELEM_DTYPE, F32 statistics and arithmetic.
//   layer_norm    out = (x - mean) / sqrt(var + eps) * gamma + beta, the biased variance
//   rms_norm      out = x / sqrt(mean(x^2) + eps) * gamma
//   add_rms_norm  s = residual + x in F32; residual = s (rounded); x = s / sqrt(mean(s^2) + eps) * gamma
// gamma and beta are [cols], each ELEM_DTYPE or F32: the variants for F32 weights under 16-bit x
// carry the suffix _gf32 (gamma), _bf32 (beta) or _gf32_bf32; they read the weights through
// load_weight with a constant that inlining folds, as a template parameter would.
//
// layer_norm's statistics never take E[x^2] - mean^2 (a row of mean 1e4 and spread 1 would lose
// its whole variance to rounding). Where the row is in registers: hi = mean(x) in F32; d = x - hi
// (exact for x near hi); c = mean(d), the part of the mean hi missed; e = d - c; var = mean(e^2);
// out = e / sqrt(var + eps) * gamma + beta. A row of equal values gives e = 0 and beta exactly.
// Where it is read twice: Welford's running (count, mean, M2) of d = x - x[row start] per
// work-item, merged by Chan's formula; then out = (d - mean_d) / sqrt(var + eps) * gamma + beta.
//
// Variants (the host picks by cols):
//   <op>_rows       cols <= 32 * threads_per_row (8192 at most): a segment of threads_per_row
//                   work-items per row (a power of two, about cols / 4, to 256: several short rows
//                   per work-group, a work-group per long one), each holding its NORM_SLOTS
//                   elements j = lane + s * threads_per_row in registers: the row is read once
//                   and written once.
//   <op>_rows_long  longer rows: a work-group per row; a first read takes the statistics, a
//                   second writes (add_rms_norm forms s again from x and residual, which the
//                   first read left alone).
// Reductions: SEGMENT_REDUCE of common.h in local memory, in a fixed order, so results are
// reproducible. out: a NULL out means out is x (in place); every work-item writes only the
// elements it read, after the row's reductions.
#include "common.h"
#include "params.h"

// Row values per work-item in the _rows variants (ClNorm.SLOTS).
#define NORM_SLOTS 32

// Weight j, F32 or ELEM_DTYPE: f32 is a constant in every caller, folded once inlined.
inline float load_weight(const __global float *w, ulong j, int f32) {
    return f32 ? w[j] : load_elem((const __global elem_t *) w, j);
}

// The sum of v over the segment of `width` work-items holding it (lane = lid & (width - 1)),
// returned to each of them. Every work-item of the group calls it; the trailing barrier frees red
// for the next call.
inline float segment_sum(float v, uint lid, uint lane, uint width, __local float *red) {
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
#define FOLD_SUM(to, from) red[to] += red[from]
    SEGMENT_REDUCE(lid, lane, width, FOLD_SUM)
#undef FOLD_SUM
    const float total = red[lid - lane];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

// ---------------------------------------------------------------- rows in registers

// Declares what a work-item of the _rows variants holds: lid, lane of tpr (threads_per_row), its
// row's first element base, whether the row exists (active), cols; slot s is column
// lane + s * tpr, held when HOLDS(s).
#define ROW_SLOTS(p)                                                                   \
    const uint lid = get_local_id(0);                                                  \
    const uint tpr = (p).threads_per_row;                                              \
    const uint lane = lid & (tpr - 1);                                                 \
    const ulong row = (ulong) get_group_id(0) * (GROUP_SIZE / tpr) + lid / tpr;         \
    const bool active = row < (p).rows;                                                \
    const uint cols = (uint) (p).cols;                                                 \
    const ulong base = row * (p).cols
#define COLUMN(s) (lane + (s) * tpr)
#define HOLDS(s) (active && COLUMN(s) < cols)

inline void layer_norm_rows_body(__global elem_t *x, const __global float *gamma, int gamma_f32,
                                 const __global float *beta, int beta_f32, __global elem_t *out,
                                 const NormParams p, __local float *red) {
    ROW_SLOTS(p);
    float v[NORM_SLOTS];
    float sum = 0.0f;
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        v[s] = HOLDS(s) ? load_elem(x, base + COLUMN(s)) : 0.0f;
        sum += v[s];
    }
    const float n = (float) cols;
    const float hi = segment_sum(sum, lid, lane, tpr, red) / n;
    float dsum = 0.0f;
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        v[s] = HOLDS(s) ? v[s] - hi : 0.0f;
        dsum += v[s];
    }
    const float c = segment_sum(dsum, lid, lane, tpr, red) / n;
    float squares = 0.0f;
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        v[s] = HOLDS(s) ? v[s] - c : 0.0f;
        squares = fma(v[s], v[s], squares);
    }
    const float rstd = 1.0f / sqrt(segment_sum(squares, lid, lane, tpr, red) / n + p.eps);
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        if (HOLDS(s)) {
            const uint j = COLUMN(s);
            store_elem(out, base + j, fma(v[s] * rstd, load_weight(gamma, j, gamma_f32), load_weight(beta, j, beta_f32)));
        }
    }
}

// rms_norm, and add_rms_norm when residual is not NULL (then out is x).
inline void rms_norm_rows_body(__global elem_t *x, __global elem_t *residual, const __global float *gamma,
                               int gamma_f32, __global elem_t *out, const NormParams p, __local float *red) {
    ROW_SLOTS(p);
    float v[NORM_SLOTS];
    float squares = 0.0f;
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        v[s] = 0.0f;
        if (HOLDS(s)) {
            const ulong at = base + COLUMN(s);
            v[s] = load_elem(x, at);
            if (residual) {
                v[s] += load_elem(residual, at);
                store_elem(residual, at, v[s]);
            }
        }
        squares = fma(v[s], v[s], squares);
    }
    const float rstd = 1.0f / sqrt(segment_sum(squares, lid, lane, tpr, red) / (float) cols + p.eps);
#pragma unroll
    for (uint s = 0; s < NORM_SLOTS; s++) {
        if (HOLDS(s)) {
            const uint j = COLUMN(s);
            store_elem(out, base + j, v[s] * rstd * load_weight(gamma, j, gamma_f32));
        }
    }
}

// ---------------------------------------------------------------- long rows, read twice

// Folds Welford's (count, mean, M2) of entry `from` into entry `to` (Chan's formula).
inline void fold_welford(__local float *red_n, __local float *red_mean, __local float *red_m2, uint to, uint from) {
    const float nb = red_n[from];
    if (nb == 0.0f) {
        return;
    }
    const float na = red_n[to];
    const float n = na + nb;
    const float delta = red_mean[from] - red_mean[to];
    red_mean[to] += delta * (nb / n);
    red_m2[to] += red_m2[from] + delta * delta * (na * nb / n);
    red_n[to] = n;
}

inline void layer_norm_long_body(__global elem_t *x, const __global float *gamma, int gamma_f32,
                                 const __global float *beta, int beta_f32, __global elem_t *out,
                                 const NormParams p, __local float *red_n, __local float *red_mean,
                                 __local float *red_m2) {
    const uint lid = get_local_id(0);
    const ulong cols = p.cols;
    for (ulong row = get_group_id(0); row < p.rows; row += get_num_groups(0)) {
        const ulong base = row * cols;
        const float shift = load_elem(x, base); // d = x - shift: near the mean, so the mean of d keeps its precision
        float count = 0.0f, mean = 0.0f, m2 = 0.0f;
        for (ulong j = lid; j < cols; j += GROUP_SIZE) {
            const float d = load_elem(x, base + j) - shift;
            count += 1.0f;
            const float delta = d - mean;
            mean += delta / count;
            m2 = fma(delta, d - mean, m2);
        }
        red_n[lid] = count;
        red_mean[lid] = mean;
        red_m2[lid] = m2;
        barrier(CLK_LOCAL_MEM_FENCE);
#define FOLD_WELFORD(to, from) fold_welford(red_n, red_mean, red_m2, to, from)
        SEGMENT_REDUCE(lid, lid, GROUP_SIZE, FOLD_WELFORD)
#undef FOLD_WELFORD
        const float row_mean = red_mean[0];
        const float rstd = 1.0f / sqrt(red_m2[0] / (float) cols + p.eps);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (ulong j = lid; j < cols; j += GROUP_SIZE) {
            const float e = (load_elem(x, base + j) - shift) - row_mean;
            store_elem(out, base + j, fma(e * rstd, load_weight(gamma, j, gamma_f32), load_weight(beta, j, beta_f32)));
        }
    }
}

// rms_norm, and add_rms_norm when residual is not NULL (then out is x).
inline void rms_norm_long_body(__global elem_t *x, __global elem_t *residual, const __global float *gamma,
                               int gamma_f32, __global elem_t *out, const NormParams p, __local float *red) {
    const uint lid = get_local_id(0);
    const ulong cols = p.cols;
    for (ulong row = get_group_id(0); row < p.rows; row += get_num_groups(0)) {
        const ulong base = row * cols;
        float squares = 0.0f;
        for (ulong j = lid; j < cols; j += GROUP_SIZE) {
            const float s = load_elem(x, base + j) + (residual ? load_elem(residual, base + j) : 0.0f);
            squares = fma(s, s, squares);
        }
        const float rstd = 1.0f / sqrt(segment_sum(squares, lid, lid, GROUP_SIZE, red) / (float) cols + p.eps);
        for (ulong j = lid; j < cols; j += GROUP_SIZE) {
            float s = load_elem(x, base + j);
            if (residual) {
                s += load_elem(residual, base + j);
                store_elem(residual, base + j, s);
            }
            store_elem(out, base + j, s * rstd * load_weight(gamma, j, gamma_f32));
        }
    }
}

// ---------------------------------------------------------------- the kernels

#define NORM_GROUP __kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1))) void

#define LAYER_NORM_KERNELS(SUFFIX, GAMMA_F32, BETA_F32)                                                     \
    NORM_GROUP layer_norm_rows##SUFFIX(__global elem_t *x, const __global float *gamma,                     \
                                       const __global float *beta, __global elem_t *out, const NormParams p) { \
        __local float red[GROUP_SIZE];                                                                      \
        layer_norm_rows_body(x, gamma, GAMMA_F32, beta, BETA_F32, out ? out : x, p, red);                   \
    }                                                                                                       \
    NORM_GROUP layer_norm_rows_long##SUFFIX(__global elem_t *x, const __global float *gamma,                \
                                            const __global float *beta, __global elem_t *out,               \
                                            const NormParams p) {                                           \
        __local float red_n[GROUP_SIZE];                                                                    \
        __local float red_mean[GROUP_SIZE];                                                                 \
        __local float red_m2[GROUP_SIZE];                                                                   \
        layer_norm_long_body(x, gamma, GAMMA_F32, beta, BETA_F32, out ? out : x, p, red_n, red_mean, red_m2); \
    }

#define RMS_NORM_KERNELS(SUFFIX, GAMMA_F32)                                                                 \
    NORM_GROUP rms_norm_rows##SUFFIX(__global elem_t *x, const __global float *gamma, __global elem_t *out,  \
                                     const NormParams p) {                                                  \
        __local float red[GROUP_SIZE];                                                                      \
        rms_norm_rows_body(x, 0, gamma, GAMMA_F32, out ? out : x, p, red);                                  \
    }                                                                                                       \
    NORM_GROUP rms_norm_rows_long##SUFFIX(__global elem_t *x, const __global float *gamma,                  \
                                          __global elem_t *out, const NormParams p) {                       \
        __local float red[GROUP_SIZE];                                                                      \
        rms_norm_long_body(x, 0, gamma, GAMMA_F32, out ? out : x, p, red);                                  \
    }                                                                                                       \
    NORM_GROUP add_rms_norm_rows##SUFFIX(__global elem_t *x, __global elem_t *residual,                     \
                                         const __global float *gamma, const NormParams p) {                 \
        __local float red[GROUP_SIZE];                                                                      \
        rms_norm_rows_body(x, residual, gamma, GAMMA_F32, x, p, red);                                       \
    }                                                                                                       \
    NORM_GROUP add_rms_norm_rows_long##SUFFIX(__global elem_t *x, __global elem_t *residual,                \
                                              const __global float *gamma, const NormParams p) {            \
        __local float red[GROUP_SIZE];                                                                      \
        rms_norm_long_body(x, residual, gamma, GAMMA_F32, x, p, red);                                       \
    }

LAYER_NORM_KERNELS(, 0, 0)
LAYER_NORM_KERNELS(_gf32, 1, 0)
LAYER_NORM_KERNELS(_bf32, 0, 1)
LAYER_NORM_KERNELS(_gf32_bf32, 1, 1)
RMS_NORM_KERNELS(, 0)
RMS_NORM_KERNELS(_gf32, 1)
