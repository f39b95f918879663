// GEMM: c[b] = alpha * op(a[b]) @ op(b[b or 0]) + beta * c[b], accumulated in F32.
//
// Shapes, row-major and contiguous: op(a) is [M, K] (a stored [M, K], or [K, M] when trans_a),
// op(b) is [K, N] (b stored [K, N], or [N, K] when trans_b), c is [M, N]; batch matrices follow
// each other at batch_stride_* elements (batch_stride_b is 0 when one b serves every batch).
// a and b are ELEM_DTYPE, c is OUT_DTYPE (F32 or a's dtype). beta == 0 never reads c (BLAS:
// NaN in c is ignored). K == 0 gives c = beta * c (or 0). Any M, N, K: tails are masked in the
// kernel (zero-filled tile loads, guarded stores), never padded by copies.
//
// Variant:
// - gemm_tiled: one 16 x 16 work-group per 64 x 64 tile of c (grid: N/64 x M/64 x batch, the
//   last two capped at 65535 with the work-groups striding over the rest). Each
//   K step stages a 64 x 16 tile of op(a) and a 16 x 64 tile of op(b) in local memory, k-major,
//   converted to float; each work-item keeps a 4 x 4 block of c in registers, rows ty + 16 i and
//   columns tx + 16 j, so that its local reads are broadcasts or consecutive words (no bank
//   conflicts) and its stores to c are coalesced. Global loads walk the stored matrix along its
//   contiguous dimension for each of the four transpose combinations. Offsets are 64-bit.
#include "common.h"
#include "params.h"

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS_X 16 // along N
#define THREADS_Y 16 // along M
#define BLOCK_M (TILE_M / THREADS_Y)
#define BLOCK_N (TILE_N / THREADS_X)

// One 64 x 64 tile of c, rows from row0 and columns from col0, of one batch matrix (a, b, c
// already point at it). a_tile and b_tile are the kernel's local tiles.
inline void gemm_tile(const __global elem_t *a, const __global elem_t *b, __global out_t *c, const GemmParams p,
                      ulong row0, ulong col0, __local float (*a_tile)[TILE_M + 1], __local float (*b_tile)[TILE_N + 1]) {
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * THREADS_X + tx;

    float acc[BLOCK_M][BLOCK_N];
#pragma unroll
    for (int i = 0; i < BLOCK_M; i++) {
#pragma unroll
        for (int j = 0; j < BLOCK_N; j++) {
            acc[i][j] = 0.0f;
        }
    }

    for (ulong k0 = 0; k0 < p.k; k0 += TILE_K) {
#pragma unroll
        for (int step = 0; step < TILE_M * TILE_K / (THREADS_X * THREADS_Y); step++) {
            int l = tid + step * THREADS_X * THREADS_Y;
            // a stored [K, M] is contiguous along m, [M, K] along k: consecutive work-items take
            // consecutive addresses either way.
            int mm = p.trans_a ? l % TILE_M : l / TILE_K;
            int kk = p.trans_a ? l / TILE_M : l % TILE_K;
            ulong gm = row0 + mm;
            ulong gk = k0 + kk;
            float v = 0.0f;
            if (gm < p.m && gk < p.k) {
                v = load_elem(a, p.trans_a ? gk * p.m + gm : gm * p.k + gk);
            }
            a_tile[kk][mm] = v;
        }
#pragma unroll
        for (int step = 0; step < TILE_N * TILE_K / (THREADS_X * THREADS_Y); step++) {
            int l = tid + step * THREADS_X * THREADS_Y;
            // b stored [K, N] is contiguous along n, [N, K] along k.
            int nn = p.trans_b ? l / TILE_K : l % TILE_N;
            int kk = p.trans_b ? l % TILE_K : l / TILE_N;
            ulong gn = col0 + nn;
            ulong gk = k0 + kk;
            float v = 0.0f;
            if (gn < p.n && gk < p.k) {
                v = load_elem(b, p.trans_b ? gn * p.k + gk : gk * p.n + gn);
            }
            b_tile[kk][nn] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

#pragma unroll
        for (int kk = 0; kk < TILE_K; kk++) {
            float av[BLOCK_M];
            float bv[BLOCK_N];
#pragma unroll
            for (int i = 0; i < BLOCK_M; i++) {
                av[i] = a_tile[kk][ty + THREADS_Y * i];
            }
#pragma unroll
            for (int j = 0; j < BLOCK_N; j++) {
                bv[j] = b_tile[kk][tx + THREADS_X * j];
            }
#pragma unroll
            for (int i = 0; i < BLOCK_M; i++) {
#pragma unroll
                for (int j = 0; j < BLOCK_N; j++) {
                    acc[i][j] = fma(av[i], bv[j], acc[i][j]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

#pragma unroll
    for (int i = 0; i < BLOCK_M; i++) {
        ulong row = row0 + ty + THREADS_Y * i;
#pragma unroll
        for (int j = 0; j < BLOCK_N; j++) {
            ulong col = col0 + tx + THREADS_X * j;
            if (row < p.m && col < p.n) {
                ulong at = row * p.n + col;
                float r = p.alpha * acc[i][j];
                if (p.beta != 0.0f) {
                    r = fma(p.beta, load_out(c, at), r);
                }
                store_out(c, at, r);
            }
        }
    }
}

__kernel __attribute__((reqd_work_group_size(THREADS_X, THREADS_Y, 1)))
void gemm_tiled(const __global elem_t *a, const __global elem_t *b, __global out_t *c, const GemmParams p) {
    // +1 column of padding: the k-fastest stores of the non-transposed loads then hit distinct banks.
    __local float a_tile[TILE_K][TILE_M + 1];
    __local float b_tile[TILE_K][TILE_N + 1];
    const ulong m_tiles = (p.m + TILE_M - 1) / TILE_M;
    const ulong col0 = (ulong) get_group_id(0) * TILE_N;
    // Some drivers allow at most 65535 work-groups along grid dimensions 1 and 2, so the host caps
    // them there and each work-group strides over the row tiles and batches it is given.
    for (ulong batch = get_group_id(2); batch < p.batch; batch += get_num_groups(2)) {
        for (ulong tile = get_group_id(1); tile < m_tiles; tile += get_num_groups(1)) {
            gemm_tile(a + batch * p.batch_stride_a, b + batch * p.batch_stride_b, c + batch * p.batch_stride_c, p,
                      tile * TILE_M, col0, a_tile, b_tile);
        }
    }
}
