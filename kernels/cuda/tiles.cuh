// What the grouped products of moe.cu and int8.cu share: the group of a sorted row, and one k
// stage of a 64 x 64 tile on CUDA cores, 256 threads each a 4 x 4 block of the tile (rows
// ty + 16 i, columns tx + 16 j, tx = thread % 16, ty = thread / 16), from k-major shared stages
// (element (k, m) at k * ld + m).
#pragma once
#include "common.cuh"

namespace px {

// The group of sorted row r, rows sorted by group and ends[g] the end of group g's rows: the first
// g with ends[g] > r (ends never decrease); groups when r is past every group's rows.
__device__ __forceinline__ i64 group_of(const int* ends, i64 groups, i64 r) {
    i64 lo = 0, hi = groups;
    while (lo < hi) {
        const i64 mid = (lo + hi) / 2;
        if (ends[mid] > r) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

// acc0 += A · B0ᵀ, and with kTwo acc1 += A · B1ᵀ, over the kK k-rows of the shared stages as,
// bs0 and bs1 (bs1 unread without kTwo), fma in F32 in ascending k.
template <int kK, int kLd, bool kTwo>
__device__ __forceinline__ void cc_stage(const float* as, const float* bs0, const float* bs1, int tx, int ty,
                                         float (&acc0)[4][4], float (&acc1)[4][4]) {
#pragma unroll
    for (int kk = 0; kk < kK; kk++) {
        float av[4], bv[4], cv[4];
#pragma unroll
        for (int i = 0; i < 4; i++) {
            av[i] = as[kk * kLd + ty + 16 * i];
            bv[i] = bs0[kk * kLd + tx + 16 * i];
            if (kTwo) cv[i] = bs1[kk * kLd + tx + 16 * i];
        }
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int j = 0; j < 4; j++) {
                acc0[i][j] = fmaf(av[i], bv[j], acc0[i][j]);
                if (kTwo) acc1[i][j] = fmaf(av[i], cv[j], acc1[i][j]);
            }
        }
    }
}

// Where accumulator q of fragment (mi, ni) of this thread lies in a 64 x 64 tile of the four-warp
// tensor-core tiles (moe.cu, int8.cu): warp w holds the 32 x 32 quarter (32 (w / 2), 32 (w % 2)),
// fragment (mi, ni) its 16 x 8 block (16 mi, 8 ni), and an m16n8 accumulator q row g (+ 8 for
// q >= 2), column 2 t + (q & 1), g = lane / 4, t = lane % 4.
__device__ __forceinline__ void mma_cell(int mi, int ni, int q, int& row, int& col) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    row = (warp / 2) * 32 + mi * 16 + lane / 4 + (q >= 2 ? 8 : 0);
    col = (warp % 2) * 32 + ni * 8 + 2 * (lane % 4) + (q & 1);
}

// Calls f(mi, ni, q, row, col) for each accumulator of this thread whose cell (row, col) of the
// tile at (row0, col0) lies below row_end and cols.
template <typename F>
__device__ __forceinline__ void for_mma_cells(i64 row0, i64 row_end, i64 col0, i64 cols, F f) {
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int ni = 0; ni < 4; ni++) {
#pragma unroll
            for (int q = 0; q < 4; q++) {
                int r, c;
                mma_cell(mi, ni, q, r, c);
                const i64 row = row0 + r, col = col0 + c;
                if (row < row_end && col < cols) f(mi, ni, q, row, col);
            }
        }
    }
}

}  // namespace px
