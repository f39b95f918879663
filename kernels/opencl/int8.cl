// The INT8 family: symmetric per-row quantization, and matmuls and MoE layers whose weights are
// INT8 values [.., cols, inner] with one F32 scale per row.
//
// quantize_rows: a segment of work-items per row (about one per 4 elements, up to a work-group),
//   striding over the rows. s = max|row| / 127 and each
//   q = clamp(rint(w / s), -127, 127) must have the same bits as on every other backend, so no
//   step may depend on the device's float division (OpenCL only asks 2.5 ulp of `/`) or on its
//   subnormal support: the largest magnitude is found on the bits (as_uint & 0x7fffffff orders
//   magnitudes as unsigned integers, and puts NaN above +Inf), and the divisions are correctly
//   rounded by div_rn, a long division of the significands in 64-bit integers. quantize_value
//   takes the device's `/` first and keeps it when it cannot change the result: both operands
//   normal and the quotient (at most 127.0001) farther than 2^-14 from a half-integer, while `/`
//   and the true quotient are within 3 ulp (3 · 2^-17) of each other; otherwise div_rn decides.
//   W8A8 quantizes the rows of x (and the MoE activations) with this same kernel.
// dequantize: out = (float) values · scale, one F32 multiply (a device that flushes subnormal
//   results, which OpenCL allows for F32, flushes the products of subnormal scales here).
// The products: A [rows, inner] (x in ELEM_DTYPE; for W8A8 its quantized rows qx I8 with scales
//   sx) by weights [cols, inner] I8 with scales [cols] (or [groups, cols, inner] and [groups, cols]
//   for the MoE layer's experts). A flag a8 in the parameters picks W8A16 (x in F32, F32 sums,
//   out = scale · sum) or W8A8 (qx, exact integer sums, out = (sx · scale) · (float) sum). Both
//   multiply in F32: a tile's or a chunk's products are summed with fma in F32, which for W8A8 is
//   exact (every such partial sum is an integer below 16 · 127 · 127 < 2^24), and added into the
//   running sum: an F32 add (W8A16) or an I32 add on the accumulator's bits (W8A8, as_int: the F32
//   register holds the I32 sum; no float operation ever touches it).
//   qmm_rows (a matmul's decode step, rows <= FEW_ROWS): ROW_LANES work-items per weight row, each
//     reading 16-byte chunks of it (vload16, lane-strided, so the row streams once, 512 contiguous
//     bytes a step) against every row of x, folded by SEGMENT_REDUCE.
//   qmm_tiled: 64 x 64 tiles staged as moe.cl's grouped GEMM stages them (grouped.h), both
//     operands widened to F32 in local memory. One weight for a matmul; grouped by ends for the
//     MoE layer, its rows gathered through rows_of, with a second weight b1 for gate and up
//     (act [pairs, ffn] F32 = silu(gate) · up, SwiGLU in F32) or one for down (y [pairs, hidden] F32).
//   qmoe_rows: the MoE layer's products for a few pairs (ClMoe.DECODE_PAIRS), ROW_LANES
//     work-items per output element as in qmm_rows, the row's expert found in ends.
// The MoE layer: ClInt8 queues moe.cl's moe_align, (W8A8: quantize_rows of x), gate and up,
//   (W8A8: quantize_rows of act), down, and moe.cl's moe_combine.
#include "common.h"
#include "params.h"
#include "grouped.h"

// ---------------------------------------------------------------- quantize, dequantize

#define QUIET_NAN as_float(0x7fc00000u)
#define MAX_FINITE_BITS 0x7f7fffffu

// RN(a / b), correctly rounded to nearest even with subnormal results, for a >= 0 and b > 0
// finite whose quotient does not overflow; integer arithmetic only.
inline float div_rn(float a, float b) {
    const uint ua = as_uint(a), ub = as_uint(b);
    if (ua == 0u) {
        return 0.0f;
    }
    int ea = (int) (ua >> 23), eb = (int) (ub >> 23);
    uint ma = ua & 0x7fffffu, mb = ub & 0x7fffffu;
    ma = ea ? ma | 0x800000u : ma;
    mb = eb ? mb | 0x800000u : mb;
    ea = max(ea, 1);
    eb = max(eb, 1);
    // significands normalized into [2^23, 2^24): a / b = (ma / mb) · 2^(ea - eb), ma / mb in (1/2, 2)
    const int na = (int) clz(ma) - 8, nb = (int) clz(mb) - 8;
    ma <<= na;
    ea -= na;
    mb <<= nb;
    eb -= nb;
    const ulong num = (ulong) ma << 26;
    const ulong q = num / mb; // a / b = (q + f) · 2^(ea - eb - 26), 0 <= f < 1, q in (2^25, 2^27)
    const int sticky = q * mb != num;
    const int lead = (q >> 26) != 0 ? 26 : 25;
    const int e = ea - eb + lead - 26;            // 2^e <= a / b < 2^(e + 1)
    const int unit = max(e, -126) - 23;           // the exponent of the result's ulp (2^-149 when subnormal)
    const int shift = unit - (ea - eb - 26);      // the bits of q below that ulp, at least 2
    if (shift > lead + 1) {
        return 0.0f;                              // below half the smallest subnormal
    }
    ulong keep = q >> shift;
    const ulong rest = q & ((1ul << shift) - 1ul), mid = 1ul << (shift - 1);
    keep += rest > mid || (rest == mid && (sticky || (keep & 1ul))) ? 1ul : 0ul;
    // keep · 2^unit: a normal result has keep in [2^23, 2^24] (2^24 carries into the exponent), a
    // subnormal one keep <= 2^23 (2^23 being the smallest normal)
    return as_float(e >= -126 ? ((uint) (e + 126) << 23) + (uint) keep : (uint) keep);
}

// a / s by the device's division, and in *sure whether its rint is that of the correctly rounded
// quotient (see the header); a >= 0, s > 0 and finite, a / s at most 127.0001.
inline float quick_quotient(float a, float s, int *sure) {
#ifdef PANAMAX_TEST_INEXACT_DIVISION
    // tests only: a division as far off as OpenCL allows it to be (2 ulp, the direction by a's bits)
    const float toward = (as_uint(a) & 1u) ? INFINITY : 0.0f;
    const float q = nextafter(nextafter(a / s, toward), toward);
#else
    const float q = a / s;
#endif
    const float f = q - floor(q);
    *sure = isnormal(a) && isnormal(s) && fabs(f - 0.5f) > 0x1p-14f;
    return q;
}

// clamp(rint(q), -127, 127) with the sign of w (its bits); q >= 0.
inline char level(float q, uint bits) {
    const int n = (int) fmin(rint(q), 127.0f);
    return (char) ((bits >> 31) ? -n : n);
}

// clamp(rint(w / s), -127, 127) with the correctly rounded quotient; s > 0 and finite.
inline char quantize_value(float w, float s) {
    const uint bits = as_uint(w);
    const float a = as_float(bits & 0x7fffffffu);
    int sure;
    const float q = quick_quotient(a, s, &sure);
    return level(sure ? q : div_rn(a, s), bits);
}

#define FOLD_MAX(to, from) top[to] = max(top[to], top[from]);

// values [rows, cols] I8 and scales [rows] F32 from w [rows, cols]: a segment of
// p.threads_per_row work-items per row, GROUP_SIZE / p.threads_per_row rows per work-group.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void quantize_rows(const __global elem_t *w, __global char *values, __global float *scales, const Int8Params p) {
    __local uint top[GROUP_SIZE];
    const uint lid = get_local_id(0), width = p.threads_per_row, lane = lid & (width - 1);
    const ulong per_group = GROUP_SIZE / width;
    for (ulong r0 = (ulong) get_group_id(1) * per_group; r0 < p.rows; r0 += (ulong) get_num_groups(1) * per_group) {
        const ulong r = r0 + lid / width;
        const ulong cols = r < p.rows ? p.cols : 0; // a segment past the last row takes no elements
        const __global elem_t *row = w + r * p.cols;
        uint m = 0u;
        for (ulong c = lane; c < cols; c += width) {
            m = max(m, as_uint(load_elem(row, c)) & 0x7fffffffu);
        }
        top[lid] = m;
        barrier(CLK_LOCAL_MEM_FENCE);
        SEGMENT_REDUCE(lid, lane, width, FOLD_MAX)
        const uint largest = top[lid - lane];
        barrier(CLK_LOCAL_MEM_FENCE); // every work-item read its head before the next rows write
        const float s = largest > MAX_FINITE_BITS ? QUIET_NAN : div_rn(as_float(largest), 127.0f);
        if (lane == 0 && r < p.rows) {
            scales[r] = s;
        }
        const int live = largest <= MAX_FINITE_BITS && as_uint(s) != 0u; // else (NaN, or 0) zeros
        __global char *out = values + r * p.cols;
        // the device's division for all, then (rarely) the work-item's elements again where one
        // needed the exact quotient: the common loop has no branch
        int unsure = 0;
        for (ulong c = lane; c < cols; c += width) {
            const uint bits = as_uint(load_elem(row, c));
            int sure;
            const float q = quick_quotient(as_float(bits & 0x7fffffffu), s, &sure);
            unsure |= !sure;
            out[c] = live ? level(q, bits) : (char) 0;
        }
        if (live && unsure) {
            for (ulong c = lane; c < cols; c += width) {
                out[c] = quantize_value(load_elem(row, c), s);
            }
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void dequantize(const __global char *values, const __global float *scales, __global float *out, const Int8Params p) {
    const ulong total = p.rows * p.cols;
    for (ulong i = (ulong) get_group_id(1) * GROUP_SIZE + get_local_id(0); i < total;
         i += (ulong) get_num_groups(1) * GROUP_SIZE) {
        out[i] = (float) values[i] * scales[i / p.cols];
    }
}

// ---------------------------------------------------------------- shared by the products

// The running sum plus a partial sum of products: F32 (W8A16), or for W8A8 the I32 sum held in
// the accumulator's bits plus an exact integer partial.
inline float add_partial(float acc, float part, uint a8) {
    return a8 ? as_float(as_int(acc) + (int) part) : acc + part;
}

inline float add_sums(float a, float b, uint a8) {
    return a8 ? as_float(as_int(a) + as_int(b)) : a + b;
}

// One output: scale · sum (W8A16), or (sx · scale) · (float) sum (W8A8), two F32 multiplies in that order.
inline float scaled(float acc, uint a8, float sx, float scale) {
    return a8 ? (sx * scale) * (float) as_int(acc) : scale * acc;
}

inline float silu_times(float g, float u) {
    return g / (1.0f + exp(-g)) * u;
}

// ---------------------------------------------------------------- decoding: few rows, 32 work-items per dot

#define FEW_ROWS 8
#define ROW_LANES 32
#define DOTS_PER_GROUP (GROUP_SIZE / ROW_LANES)

// Elements [16 c, 16 c + 16) of p, widened to F32.
inline float16 load16(const __global elem_t *p, ulong c) {
#if ELEM_DTYPE == DT_F32
    return vload16(c, p);
#elif ELEM_DTYPE == DT_BF16
    return as_float16(convert_uint16(vload16(c, p)) << 16);
#elif defined(PANAMAX_NATIVE_HALF)
    return vload_half16(c, (const __global half *) p);
#else
    float v[16];
    for (int j = 0; j < 16; j++) {
        v[j] = load_elem(p, c * 16 + j);
    }
    return vload16(0, v);
#endif
}

inline float sum16(float16 v) {
    const float8 a = v.lo + v.hi;
    const float4 b = a.lo + a.hi;
    const float2 c = b.lo + b.hi;
    return c.x + c.y;
}

// Bytes [16 c, 16 c + 16) of p: one aligned 16-byte load when p is 16-byte aligned, else vload16
// (which some compilers split into single bytes).
inline char16 load_bytes(const __global char *p, ulong c, int aligned) {
    return aligned ? ((const __global char16 *) p)[c] : vload16(c, p);
}

// acc[m] (m < count) += this lane's share of the dot of w [inner] with row m of the activations:
// x + at + m · stride (W8A16) or qx + at + m · stride (W8A8). The lane takes the 16-byte chunks
// lane, lane + ROW_LANES, ... of w, then the tail one element per lane; w's bytes are read once.
inline void lane_dots(const __global elem_t *x, const __global char *qx, ulong at, ulong stride, uint count,
                      const __global char *w, ulong inner, uint lane, uint a8, float acc[FEW_ROWS]) {
    const ulong chunks = inner / 16;
    const int aligned = (inner & 15) == 0; // every row then starts 16-byte aligned, as the buffers do
    for (ulong c = lane; c < chunks; c += ROW_LANES) {
        const float16 wv = convert_float16(load_bytes(w, c, aligned));
#pragma unroll
        for (uint m = 0; m < FEW_ROWS; m++) {
            if (m < count) {
                const ulong row = at + m * stride;
                const float16 xv = a8 ? convert_float16(load_bytes(qx + row, c, aligned)) : load16(x + row, c);
                acc[m] = add_partial(acc[m], sum16(wv * xv), a8);
            }
        }
    }
    for (ulong i = chunks * 16 + lane; i < inner; i += ROW_LANES) {
        const float wv = (float) w[i];
#pragma unroll
        for (uint m = 0; m < FEW_ROWS; m++) {
            if (m < count) {
                const ulong row = at + m * stride;
                const float xv = a8 ? (float) qx[row + i] : load_elem(x + row, i);
                acc[m] = add_partial(acc[m], wv * xv, a8);
            }
        }
    }
}

#define FOLD_ROWS(to, from)                                         \
    for (uint m = 0; m < FEW_ROWS; m++) {                           \
        sums[m][to] = add_sums(sums[m][to], sums[m][from], p.a8);   \
    }

// The lane sums of each work-item into sums[.][lid], folded into the segment's head.
#define REDUCE_LANES(acc)                                           \
    for (uint m = 0; m < FEW_ROWS; m++) {                           \
        sums[m][lid] = acc[m];                                      \
    }                                                               \
    barrier(CLK_LOCAL_MEM_FENCE);                                   \
    SEGMENT_REDUCE(lid, lane, ROW_LANES, FOLD_ROWS)

// out [rows, cols] for rows <= FEW_ROWS: ROW_LANES work-items per weight row n, against every row of x.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void qmm_rows(const __global elem_t *x, const __global char *qx, const __global float *sx, const __global char *values,
              const __global float *scales, __global out_t *out, const Int8Params p) {
    __local float sums[FEW_ROWS][GROUP_SIZE];
    const uint lid = get_local_id(0), lane = lid & (ROW_LANES - 1);
    const uint rows = (uint) min(p.rows, (ulong) FEW_ROWS);
    for (ulong base = (ulong) get_group_id(1) * DOTS_PER_GROUP; base < p.cols;
         base += (ulong) get_num_groups(1) * DOTS_PER_GROUP) {
        const ulong n = base + lid / ROW_LANES;
        float acc[FEW_ROWS] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        if (n < p.cols) {
            lane_dots(x, qx, 0, p.inner, rows, values + n * p.inner, p.inner, lane, p.a8, acc);
        }
        REDUCE_LANES(acc)
        if (n < p.cols && lane == 0) {
            const float scale = scales[n];
            for (uint m = 0; m < rows; m++) {
                store_out(out, m * p.cols + n, scaled(sums[m][lid], p.a8, p.a8 ? sx[m] : 0.0f, scale));
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE); // the heads read their sums before the next round writes
    }
}

// The MoE layer's products for a few pairs, ROW_LANES work-items per output (r, c), r a row of
// the sorted pairs and its expert e found in ends: gate and up (b1 not NULL) act[r, c] F32 =
// silu(g) · u, A's row rows_of[r] (the pair's token); down (b1 NULL) out[r, c] (OUT_DTYPE), A's row
// r. b0, b1 [groups, cols, inner] with scales [groups, cols]. p: rows = pairs, groups = experts.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void qmoe_rows(const __global elem_t *x, const __global char *qx, const __global float *sx, const __global int *rows_of,
               const __global char *b0, const __global float *scales0, const __global char *b1,
               const __global float *scales1, const __global int *ends, __global out_t *out, __global float *act,
               const Int8Params p) {
    __local float sums[FEW_ROWS][GROUP_SIZE];
    const uint lid = get_local_id(0), lane = lid & (ROW_LANES - 1);
    const ulong items = p.rows * p.cols;
    for (ulong base = (ulong) get_group_id(1) * DOTS_PER_GROUP; base < items;
         base += (ulong) get_num_groups(1) * DOTS_PER_GROUP) {
        const ulong item = base + lid / ROW_LANES;
        const ulong r = item / p.cols, c = item - r * p.cols;
        const ulong e = item < items ? expert_of_row(ends, p.groups, r) : p.groups;
        const int valid = e < p.groups;
        const ulong src = valid && rows_of ? (ulong) rows_of[r] : r;
        float acc[FEW_ROWS] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        float acc1[FEW_ROWS] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        if (valid) {
            const ulong w = (e * p.cols + c) * p.inner;
            lane_dots(x, qx, src * p.inner, 0, 1, b0 + w, p.inner, lane, p.a8, acc);
            if (b1) {
                lane_dots(x, qx, src * p.inner, 0, 1, b1 + w, p.inner, lane, p.a8, acc1);
            }
        }
        acc[1] = acc1[0];
        REDUCE_LANES(acc)
        if (valid && lane == 0) {
            const float s = p.a8 ? sx[src] : 0.0f;
            const float v = scaled(sums[0][lid], p.a8, s, scales0[e * p.cols + c]);
            if (b1) {
                act[r * p.cols + c] = silu_times(v, scaled(sums[1][lid], p.a8, s, scales1[e * p.cols + c]));
            } else {
                store_out(out, r * p.cols + c, v);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// ---------------------------------------------------------------- tiles

// acc0 += A · b0ᵀ and, when b1 is not NULL, acc1 += A · b1ᵀ over the tile's rows [row0, row_end)
// and columns from col0; A's row r is row rows_of[r] of x or qx (row r when rows_of is NULL);
// b0 and b1 are I8 [cols, inner]. Each 16-deep step's products are summed in F32 from zero and
// then added (add_partial), exact for W8A8.
inline void qtile_product(const __global elem_t *x, const __global char *qx, const __global int *rows_of,
                          const __global char *b0, const __global char *b1, ulong row0, ulong row_end, ulong col0,
                          ulong cols, ulong inner, uint a8, __local float (*a_tile)[TILE_M + 1],
                          __local float (*b0_tile)[TILE_N + 1], __local float (*b1_tile)[TILE_N + 1],
                          float acc0[BLOCK][BLOCK], float acc1[BLOCK][BLOCK]) {
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * THREADS + tx;
#define LOAD_A(i) (a8 ? (float) qx[i] : load_elem(x, i))
#define LOAD_B0(i) ((float) b0[i])
#define LOAD_B1(i) ((float) b1[i])
    for (ulong k0 = 0; k0 < inner; k0 += TILE_K) {
        STAGE_TILES(LOAD_A, LOAD_B0, LOAD_B1)
        barrier(CLK_LOCAL_MEM_FENCE);
        float p0[BLOCK][BLOCK], p1[BLOCK][BLOCK];
        clear(p0);
        clear(p1);
        TILE_MACS(p0, p1)
#pragma unroll
        for (int i = 0; i < BLOCK; i++) {
#pragma unroll
            for (int j = 0; j < BLOCK; j++) {
                acc0[i][j] = add_partial(acc0[i][j], p0[i][j], a8);
                acc1[i][j] = add_partial(acc1[i][j], p1[i][j], a8);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#undef LOAD_A
#undef LOAD_B0
#undef LOAD_B1
}

// The (grouped) product over every row tile, this work-group's columns from col0. ends NULL: one
// weight (b0 [cols, inner], scales0 [cols]) for all rows, out [rows, cols] (OUT_DTYPE) =
// scaled(x · b0ᵀ). Else rows grouped by ends, b0 and b1 [groups, cols, inner], scales [groups,
// cols]; without b1 out as above with the row's group (zeros for rows of no group), with b1 act
// [rows, cols] F32 = silu(x · b0ᵀ) · (x · b1ᵀ), each scaled. W8A8 takes sx of A's source row.
inline void qtiles(const __global elem_t *x, const __global char *qx, const __global float *sx,
                   const __global int *rows_of, const __global char *b0, const __global float *scales0,
                   const __global char *b1, const __global float *scales1, const __global int *ends,
                   __global out_t *out, __global float *act, const Int8Params p, __local float (*a_tile)[TILE_M + 1],
                   __local float (*b0_tile)[TILE_N + 1], __local float (*b1_tile)[TILE_N + 1]) {
    const ulong col0 = (ulong) get_group_id(0) * TILE_N;
    const ulong row_tiles = (p.rows + TILE_M - 1) / TILE_M;
    const ulong tiles = ends ? row_tiles + p.groups : row_tiles;
    for (ulong tile = get_group_id(1); tile < tiles; tile += get_num_groups(1)) {
        ulong row0 = tile * TILE_M, row_end = p.rows;
        const long g = ends ? find_tile(ends, p.groups, p.rows, tile, &row0, &row_end) : 0;
        if (g == -2) {
            break; // the same for the whole work-group, and for every later tile
        }
        float acc0[BLOCK][BLOCK], acc1[BLOCK][BLOCK];
        clear(acc0); // 0 as F32 and as I32 alike
        clear(acc1);
        const ulong at = g > 0 ? (ulong) g * p.cols : 0;
        if (g >= 0) {
            qtile_product(x, qx, rows_of, b0 + at * p.inner, b1 ? b1 + at * p.inner : 0, row0, row_end, col0, p.cols,
                          p.inner, p.a8, a_tile, b0_tile, b1_tile, acc0, acc1);
        }
#pragma unroll
        for (int i = 0; i < BLOCK; i++) {
            const ulong row = row0 + get_local_id(1) + THREADS * i;
            const float s = p.a8 && g >= 0 && row < row_end ? sx[rows_of ? (ulong) rows_of[row] : row] : 0.0f;
#pragma unroll
            for (int j = 0; j < BLOCK; j++) {
                const ulong col = col0 + get_local_id(0) + THREADS * j;
                if (row < row_end && col < p.cols) {
                    if (g < 0 && b1) {
                        act[row * p.cols + col] = 0.0f;
                    } else if (g < 0) {
                        store_out(out, row * p.cols + col, 0.0f);
                    } else if (b1) {
                        act[row * p.cols + col] = silu_times(scaled(acc0[i][j], p.a8, s, scales0[at + col]),
                                                             scaled(acc1[i][j], p.a8, s, scales1[at + col]));
                    } else {
                        store_out(out, row * p.cols + col, scaled(acc0[i][j], p.a8, s, scales0[at + col]));
                    }
                }
            }
        }
    }
}

// qtiles as a kernel: the plain matmul (rows_of, b1, ends NULL), the MoE layer's gate and up
// (into act) and its down (b1 NULL, into out).
__kernel __attribute__((reqd_work_group_size(THREADS, THREADS, 1)))
void qmm_tiled(const __global elem_t *x, const __global char *qx, const __global float *sx, const __global int *rows_of,
               const __global char *b0, const __global float *scales0, const __global char *b1,
               const __global float *scales1, const __global int *ends, __global out_t *out, __global float *act,
               const Int8Params p) {
    __local float a_tile[TILE_K][TILE_M + 1];
    __local float b0_tile[TILE_K][TILE_N + 1];
    __local float b1_tile[TILE_K][TILE_N + 1];
    qtiles(x, qx, sx, rows_of, b0, scales0, b1, scales1, ends, out, act, p, a_tile, b0_tile, b1_tile);
}
