// The grouped layout of the MoE kernels (moe.cl, int8.cl): rows sorted by group (expert), group g
// owning rows [s_g, e_g) with e_g = ends[g] clamped to [0, rows] and s_g the largest end before
// it. The tiling constants of their grouped GEMMs: 16 x 16 work-items per 64 x 64 tile, 16 deep,
// each work-item a 4 x 4 block (rows ty + 16 i, columns tx + 16 j).
#ifndef PANAMAX_GROUPED_H
#define PANAMAX_GROUPED_H

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS 16
#define BLOCK (TILE_M / THREADS)

// The rows of row tile `tile`: [*row0, min(*row0 + TILE_M, *row_end)), and its group, or -1 for
// a tile of the rows no group covers, or -2 past the last tile.
inline long find_tile(const __global int *ends, ulong groups, ulong rows, ulong tile, ulong *row0, ulong *row_end) {
    ulong start = 0, seen = 0;
    for (ulong g = 0; g < groups; g++) {
        const int e = ends[g];
        const ulong end = e < 0 ? 0 : ((ulong) e > rows ? rows : (ulong) e);
        if (end > start) {
            const ulong n = (end - start + TILE_M - 1) / TILE_M;
            if (tile < seen + n) {
                *row0 = start + (tile - seen) * TILE_M;
                *row_end = end;
                return (long) g;
            }
            seen += n;
            start = end;
        }
    }
    const ulong n = (rows - start + TILE_M - 1) / TILE_M;
    if (tile < seen + n) {
        *row0 = start + (tile - seen) * TILE_M;
        *row_end = rows;
        return -1;
    }
    return -2;
}

// The expert of sorted row r: the first e with group_ends[e] > r (the ends never decrease), or
// experts when r is past every expert's rows.
inline ulong expert_of_row(const __global int *ends, ulong experts, ulong r) {
    ulong lo = 0, hi = experts;
    while (lo < hi) {
        const ulong mid = (lo + hi) / 2;
        if ((long) ends[mid] > (long) r) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

// The two halves of one TILE_K-deep step of a grouped tile, for the tile functions of moe.cl and
// int8.cl, which differ in their operands' types. Both expect in scope: tx, ty, tid (ty * THREADS
// + tx), k0, row0, row_end, col0, cols, inner, rows_of (NULL: A's row r is row r), b1 (NULL: one
// weight), a_tile, b0_tile, b1_tile.
// STAGE_TILES: A's rows [row0, row_end) (row rows_of[r] of A) and the weights' rows from col0,
// k0 to k0 + TILE_K, as F32 into the local tiles (zeros past the edges); LOAD_A(i), LOAD_B0(i),
// LOAD_B1(i) read element i of A [.., inner] and of the weights [cols, inner] as float.
#define STAGE_TILES(LOAD_A, LOAD_B0, LOAD_B1)                                                     \
    _Pragma("unroll") for (int step = 0; step < TILE_M * TILE_K / (THREADS * THREADS); step++) { \
        const int l = tid + step * THREADS * THREADS;                                            \
        const int mm = l / TILE_K, kk = l % TILE_K; /* both operands are contiguous along k */   \
        const ulong gm = row0 + mm, gn = col0 + mm, gk = k0 + kk;                                \
        float v = 0.0f;                                                                          \
        if (gm < row_end && gk < inner) {                                                        \
            v = LOAD_A((rows_of ? (ulong) rows_of[gm] : gm) * inner + gk);                       \
        }                                                                                        \
        a_tile[kk][mm] = v;                                                                      \
        float u0 = 0.0f, u1 = 0.0f;                                                              \
        if (gn < cols && gk < inner) {                                                           \
            u0 = LOAD_B0(gn * inner + gk);                                                       \
            if (b1) {                                                                            \
                u1 = LOAD_B1(gn * inner + gk);                                                   \
            }                                                                                    \
        }                                                                                        \
        b0_tile[kk][mm] = u0;                                                                    \
        if (b1) {                                                                                \
            b1_tile[kk][mm] = u1;                                                                \
        }                                                                                        \
    }

// TILE_MACS: acc0 += the staged A · b0ᵀ and, when b1 is not NULL, acc1 += A · b1ᵀ (fma, in k order).
#define TILE_MACS(acc0, acc1)                                                                    \
    if (b1) {                                                                                    \
        _Pragma("unroll") for (int kk = 0; kk < TILE_K; kk++) {                                  \
            float av[BLOCK], bv[BLOCK], cv[BLOCK];                                               \
            _Pragma("unroll") for (int i = 0; i < BLOCK; i++) {                                  \
                av[i] = a_tile[kk][ty + THREADS * i];                                            \
                bv[i] = b0_tile[kk][tx + THREADS * i];                                           \
                cv[i] = b1_tile[kk][tx + THREADS * i];                                           \
            }                                                                                    \
            _Pragma("unroll") for (int i = 0; i < BLOCK; i++) {                                  \
                _Pragma("unroll") for (int j = 0; j < BLOCK; j++) {                              \
                    acc0[i][j] = fma(av[i], bv[j], acc0[i][j]);                                  \
                    acc1[i][j] = fma(av[i], cv[j], acc1[i][j]);                                  \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
    } else {                                                                                     \
        _Pragma("unroll") for (int kk = 0; kk < TILE_K; kk++) {                                  \
            float av[BLOCK], bv[BLOCK];                                                          \
            _Pragma("unroll") for (int i = 0; i < BLOCK; i++) {                                  \
                av[i] = a_tile[kk][ty + THREADS * i];                                            \
                bv[i] = b0_tile[kk][tx + THREADS * i];                                           \
            }                                                                                    \
            _Pragma("unroll") for (int i = 0; i < BLOCK; i++) {                                  \
                _Pragma("unroll") for (int j = 0; j < BLOCK; j++) {                              \
                    acc0[i][j] = fma(av[i], bv[j], acc0[i][j]);                                  \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
    }

inline void clear(float acc[BLOCK][BLOCK]) {
#pragma unroll
    for (int i = 0; i < BLOCK; i++) {
#pragma unroll
        for (int j = 0; j < BLOCK; j++) {
            acc[i][j] = 0.0f;
        }
    }
}

#endif
