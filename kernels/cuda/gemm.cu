// GEMM: c[b] = alpha * op(a[b]) @ op(b[b or shared]) + beta * c[b], for b in [0, batch).
// op(a) is [M, K] (a stored [K, M] when transA), op(b) is [K, N] (b stored [N, K] when transB),
// c is [M, N]; all row-major and contiguous; a stored with batch stride M*K, c with M*N, b with
// strideB (K*N, or 0 when one b serves every batch). beta == 0 ignores c (NaN included); K == 0
// gives c = beta * c (or 0). Accumulation in F32. Any M, N, K: every tail is predicated.
// Work items (batch, tile) are flattened onto grid.x with a grid-stride loop, tiles grouped by 8
// tile-rows so that neighbouring blocks share panels of a in L2.
// Variants (the Java side, CudaGemm, picks by dtype):
//   gemm_f32_tiled  F32 on CUDA cores: 128x128x8 block tile, 8x8 per thread, shared memory double
//                   buffer fed by a register prefetch, float4 loads when the contiguous dimension
//                   is a multiple of 4 (scalar loads otherwise); c F32.
//   gemm_bf16_mma   BF16 on tensor cores, sm_80+: 128x128x32 block tile, 8 warps of 64x32,
//   gemm_f16_mma    mma.sync.m16n8k16 fed by ldmatrix (.trans for the k-major operands) from an
//                   XOR-swizzled, conflict-free 4-stage cp.async pipeline (zero-fill on tails);
//                   16-byte cp.async needs the contiguous dimension a multiple of 8, otherwise the
//                   same pipeline is filled with scalar loads. c F32 or the input dtype (cF32).
#include "gemm_common.cuh"

namespace {

// c = alpha * acc + beta * c_old for one element (beta == 0 never reads c).
template <typename CT>
__device__ __forceinline__ void store_c(CT* c, i64 idx, float acc, float alpha, float beta) {
    float v = alpha * acc;
    if (beta != 0.0f) v += beta * px::to_f32(c[idx]);
    c[idx] = px::from_f32<CT>(v);
}

// ================================================================ F32 on CUDA cores

namespace f32t {
constexpr int BM = 128, BN = 128, BK = 8, THREADS = 256, PAD = 4;
constexpr int LD = BM + PAD;  // shared row length (BM == BN); 132 keeps float4 alignment, no conflicts

// Four consecutive elements (row, col .. col + 3) of a row-major matrix with rows < rowLimit and
// cols < colLimit, zeros outside. vec: ld and the base are multiples of 4 floats.
__device__ __forceinline__ float4 load4(const float* base, i64 ld, i64 row, i64 rowLimit, i64 col, i64 colLimit,
                                        bool vec) {
    float4 r = make_float4(0.f, 0.f, 0.f, 0.f);
    if (row >= rowLimit) return r;
    const float* p = base + row * ld + col;
    if (vec && col + 3 < colLimit) return *reinterpret_cast<const float4*>(p);
    if (col < colLimit) r.x = p[0];
    if (col + 1 < colLimit) r.y = p[1];
    if (col + 2 < colLimit) r.z = p[2];
    if (col + 3 < colLimit) r.w = p[3];
    return r;
}

// Loads this thread's 4 elements of the operand tile at k0. kMajor: stored [K][cols] (A trans,
// B non-trans) -> (k = tid / 32, cols 4 * (tid % 32) ..); else stored [rows][K] (A non-trans,
// B trans) -> (row = tid / 2, k = 4 * (tid % 2) ..).
__device__ __forceinline__ float4 load_tile(const float* base, bool kMajor, i64 ld, i64 k0, i64 K, i64 r0, i64 R,
                                            bool vec) {
    const int tid = threadIdx.x;
    if (kMajor) return load4(base, ld, k0 + (tid >> 5), K, r0 + 4 * (tid & 31), R, vec);
    return load4(base, ld, r0 + (tid >> 1), R, k0 + 4 * (tid & 1), K, vec);
}

// Stores the 4 loaded elements into the shared tile s[BK][LD] (k-major, as the compute reads it).
__device__ __forceinline__ void store_tile(float* s, bool kMajor, float4 v) {
    const int tid = threadIdx.x;
    if (kMajor) {
        *reinterpret_cast<float4*>(&s[(tid >> 5) * LD + 4 * (tid & 31)]) = v;
    } else {
        const int row = tid >> 1, k = 4 * (tid & 1);
        s[(k + 0) * LD + row] = v.x;
        s[(k + 1) * LD + row] = v.y;
        s[(k + 2) * LD + row] = v.z;
        s[(k + 3) * LD + row] = v.w;
    }
}

__device__ void body(const GemmParams& p) {
    __shared__ __align__(16) float As[2][BK * LD];
    __shared__ __align__(16) float Bs[2][BK * LD];
    const i64 M = p.m, N = p.n, K = p.k;
    const bool aKMajor = p.transA != 0, bKMajor = p.transB == 0;
    const i64 lda = p.transA ? M : K, ldb = p.transB ? K : N;
    const float* A0 = reinterpret_cast<const float*>(p.a);
    const float* B0 = reinterpret_cast<const float*>(p.b);
    float* C0 = reinterpret_cast<float*>(p.c);
    const bool vecA = px::aligned16(A0) && lda % 4 == 0;
    const bool vecB = px::aligned16(B0) && ldb % 4 == 0 && p.strideB % 4 == 0;
    const bool vecC = px::aligned16(C0) && N % 4 == 0;
    const i64 tilesM = (M + BM - 1) / BM, tilesN = (N + BN - 1) / BN;
    const i64 items = p.batch * tilesM * tilesN;
    const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
    const i64 kTiles = (K + BK - 1) / BK;

    for (i64 w = blockIdx.x; w < items; w += gridDim.x) {
        const TileCoord t = tile_of(w, tilesM, tilesN);
        const float* A = A0 + t.batch * M * K;
        const float* B = B0 + t.batch * p.strideB;
        float* C = C0 + t.batch * M * N;
        const i64 m0 = t.tm * BM, n0 = t.tn * BN;

        float acc[8][8];
#pragma unroll
        for (int i = 0; i < 8; i++)
#pragma unroll
            for (int j = 0; j < 8; j++) acc[i][j] = 0.f;

        __syncthreads();  // the previous item's last reads of As/Bs are done
        if (kTiles > 0) {
            store_tile(As[0], aKMajor, load_tile(A, aKMajor, lda, 0, K, m0, M, vecA));
            store_tile(Bs[0], bKMajor, load_tile(B, bKMajor, ldb, 0, K, n0, N, vecB));
        }
        __syncthreads();
        for (i64 kt = 0; kt < kTiles; kt++) {
            const int cur = (int)(kt & 1);
            const bool more = kt + 1 < kTiles;
            float4 na, nb;
            if (more) {  // prefetch the next tile into registers while this one is computed
                na = load_tile(A, aKMajor, lda, (kt + 1) * BK, K, m0, M, vecA);
                nb = load_tile(B, bKMajor, ldb, (kt + 1) * BK, K, n0, N, vecB);
            }
            const float* as = As[cur];
            const float* bs = Bs[cur];
#pragma unroll
            for (int kk = 0; kk < BK; kk++) {
                const float4 a0 = *reinterpret_cast<const float4*>(&as[kk * LD + ty * 4]);
                const float4 a1 = *reinterpret_cast<const float4*>(&as[kk * LD + 64 + ty * 4]);
                const float4 b0 = *reinterpret_cast<const float4*>(&bs[kk * LD + tx * 4]);
                const float4 b1 = *reinterpret_cast<const float4*>(&bs[kk * LD + 64 + tx * 4]);
                const float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
                const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
                for (int i = 0; i < 8; i++)
#pragma unroll
                    for (int j = 0; j < 8; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
            }
            if (more) {  // the other buffer was last read before the previous barrier
                store_tile(As[cur ^ 1], aKMajor, na);
                store_tile(Bs[cur ^ 1], bKMajor, nb);
            }
            __syncthreads();
        }

        // Thread (ty, tx) owns rows {ty*4 + i, 64 + ty*4 + i} and cols {tx*4 + j, 64 + tx*4 + j}.
#pragma unroll
        for (int i = 0; i < 8; i++) {
            const i64 row = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
            if (row >= M) continue;
#pragma unroll
            for (int h = 0; h < 2; h++) {
                const i64 col = n0 + h * 64 + tx * 4;
                const i64 idx = row * N + col;
                if (vecC && col + 3 < N) {
                    float4 v = make_float4(p.alpha * acc[i][h * 4 + 0], p.alpha * acc[i][h * 4 + 1],
                                           p.alpha * acc[i][h * 4 + 2], p.alpha * acc[i][h * 4 + 3]);
                    if (p.beta != 0.0f) {
                        const float4 o = *reinterpret_cast<const float4*>(C + idx);
                        v.x += p.beta * o.x;
                        v.y += p.beta * o.y;
                        v.z += p.beta * o.z;
                        v.w += p.beta * o.w;
                    }
                    *reinterpret_cast<float4*>(C + idx) = v;
                } else {
#pragma unroll
                    for (int j = 0; j < 4; j++) {
                        if (col + j < N) store_c(C, idx + j, acc[i][h * 4 + j], p.alpha, p.beta);
                    }
                }
            }
        }
    }
}
}  // namespace f32t

// ================================================================ 16-bit on tensor cores

namespace mma {
constexpr int BM = 128, BN = 128, BK = 32, THREADS = 256, STAGES = 4;
constexpr int TILE_BYTES = BM * BK * 2;  // one operand tile, 8 KiB (BM == BN)
constexpr int STAGE_BYTES = 2 * TILE_BYTES;
constexpr int SMEM_BYTES = STAGES * STAGE_BYTES;
PX_SMEM(gemm_mma, 65536, SMEM_BYTES);

// Shared tile layouts, 16-byte chunks XOR-swizzled so that cp.async stores and ldmatrix reads of
// 8 rows hit 8 distinct 16-byte bank groups:
//   rows-by-k  [128 rows][32 k]  (64 B rows, 4 chunks):  chunk c of row r at c ^ ((r >> 1) & 3)
//   k-by-cols  [32 k][128 cols]  (256 B rows, 16 chunks): chunk c of row r at c ^ (r & 7)
// A uses rows-by-k when stored [M, K] and k-by-cols when stored [K, M]; B uses k-by-cols when
// stored [K, N] and rows-by-k when stored [N, K].
__device__ __forceinline__ uint32_t off_rows_by_k(int r, int c) { return r * 64 + ((c ^ ((r >> 1) & 3)) << 4); }
__device__ __forceinline__ uint32_t off_k_by_cols(int r, int c) { return r * 256 + ((c ^ (r & 7)) << 4); }

// Fills one operand tile (512 chunks of 8 elements, 2 per thread) for k-tile k0. The stored
// matrix is [rows][ld] with rows < rowLimit, contiguous index < colLimit. KMAJOR: tile rows are k
// (k-by-cols, rowBase = k0, colBase = the tile's m or n); else tile rows are m or n (rows-by-k,
// colBase = k0). vec: 16-byte cp.async with zero fill (the contiguous dimension is a multiple of
// 8, so a chunk is wholly in or out); else synchronous scalar loads.
template <typename T, bool KMAJOR>
__device__ __forceinline__ void load_tile(uint32_t sTile, const T* g, i64 ld, i64 rowBase, i64 rowLimit, i64 colBase,
                                          i64 colLimit, bool vec) {
#pragma unroll
    for (int i = 0; i < 2; i++) {
        const int q = threadIdx.x + i * THREADS;
        const int r = KMAJOR ? q >> 4 : q >> 2;
        const int c = KMAJOR ? q & 15 : q & 3;
        const uint32_t dst = sTile + (KMAJOR ? off_k_by_cols(r, c) : off_rows_by_k(r, c));
        const i64 row = rowBase + r, col = colBase + c * 8;
        const bool rowIn = row < rowLimit;
        // The same fill as px::chunk16_to_shared, written out: through the helper this kernel, at
        // its 128-register cap (__launch_bounds__(256, 2)), spills 20 bytes.
        if (vec) {
            const bool in = rowIn && col < colLimit;
            px::cp_async16(dst, in ? (const void*)(g + row * ld + col) : (const void*)g, in);
        } else {
            uint4 raw;
            T* e = reinterpret_cast<T*>(&raw);
#pragma unroll
            for (int j = 0; j < 8; j++) {
                e[j] = (rowIn && col + j < colLimit) ? g[row * ld + col + j] : px::from_f32<T>(0.0f);
            }
            px::st_shared16(dst, raw);
        }
    }
}

template <typename T, bool TA, bool TB>
__device__ void mainloop(const GemmParams& p, unsigned char* smem) {
    const i64 M = p.m, N = p.n, K = p.k;
    const i64 lda = TA ? M : K, ldb = TB ? K : N;
    const T* A0 = reinterpret_cast<const T*>(p.a);
    const T* B0 = reinterpret_cast<const T*>(p.b);
    const bool vecA = px::aligned16(A0) && lda % 8 == 0;
    const bool vecB = px::aligned16(B0) && ldb % 8 == 0 && p.strideB % 8 == 0;
    const i64 tilesM = (M + BM - 1) / BM, tilesN = (N + BN - 1) / BN;
    const i64 items = p.batch * tilesM * tilesN;
    const i64 kTiles = (K + BK - 1) / BK;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int warpM = warp >> 2, warpN = warp & 3;  // 2 x 4 warps of 64 x 32
    const int g = lane >> 2, t4 = lane & 3;
    const uint32_t sBase = px::smem_addr(smem);

    for (i64 w = blockIdx.x; w < items; w += gridDim.x) {
        const TileCoord tc = tile_of(w, tilesM, tilesN);
        const T* A = A0 + tc.batch * M * K;
        const T* B = B0 + tc.batch * p.strideB;
        const i64 m0 = tc.tm * BM, n0 = tc.tn * BN;

        auto load_stage = [&](int stage, i64 kt) {
            const uint32_t sA = sBase + stage * STAGE_BYTES, sB = sA + TILE_BYTES;
            const i64 k0 = kt * BK;
            if (TA) load_tile<T, true>(sA, A, lda, k0, K, m0, M, vecA);
            else load_tile<T, false>(sA, A, lda, m0, M, k0, K, vecA);
            if (TB) load_tile<T, false>(sB, B, ldb, n0, N, k0, K, vecB);
            else load_tile<T, true>(sB, B, ldb, k0, K, n0, N, vecB);
        };

        float acc[4][4][4];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++)
#pragma unroll
                for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

        __syncthreads();  // the previous item's reads of every stage are done
#pragma unroll
        for (int s = 0; s < STAGES - 1; s++) {
            if (s < kTiles) load_stage(s, s);
            px::cp_async_commit();  // one group per stage, empty or not, so the wait count holds
        }
        for (i64 kt = 0; kt < kTiles; kt++) {
            // Groups committed so far: STAGES - 1 + kt; allowing STAGES - 2 pending means group kt
            // (this tile) has landed for this thread; the barrier publishes every thread's part and
            // proves every warp finished computing tile kt - 1, whose stage is refilled next.
            px::cp_async_wait<STAGES - 2>();
            __syncthreads();
            const i64 next = kt + STAGES - 1;
            if (next < kTiles) load_stage((int)(next % STAGES), next);
            px::cp_async_commit();

            const int stage = (int)(kt % STAGES);
            const uint32_t sA = sBase + stage * STAGE_BYTES, sB = sA + TILE_BYTES;
#pragma unroll
            for (int kk = 0; kk < BK; kk += 16) {
                uint32_t af[4][4], bf[4][2];
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    const int mRow = warpM * 64 + i * 16;
                    if (TA) {  // k-by-cols; matrices (k 0-7, m 0-7), (k 0-7, m 8-15), (k 8-15, m 0-7), (k 8-15, m 8-15)
                        const int q = lane >> 3;
                        const int kr = kk + ((q >> 1) << 3) + (lane & 7);
                        const int mc = (mRow + ((q & 1) << 3)) >> 3;
                        px::ldmatrix_x4_trans(sA + off_k_by_cols(kr, mc), af[i][0], af[i][1], af[i][2], af[i][3]);
                    } else {  // rows-by-k; lanes 0-15 rows at k 0-7, lanes 16-31 the same rows at k 8-15
                        const int r = mRow + (lane & 15);
                        const int c = (kk >> 3) + (lane >> 4);
                        px::ldmatrix_x4(sA + off_rows_by_k(r, c), af[i][0], af[i][1], af[i][2], af[i][3]);
                    }
                }
#pragma unroll
                for (int j = 0; j < 2; j++) {
                    const int nCol = warpN * 32 + j * 16;
                    const int q = lane >> 3;
                    if (TB) {  // rows-by-k (rows n); matrices (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15, k 8-15)
                        const int r = nCol + ((q >> 1) << 3) + (lane & 7);
                        const int c = (kk >> 3) + (q & 1);
                        px::ldmatrix_x4(sB + off_rows_by_k(r, c), bf[2 * j][0], bf[2 * j][1], bf[2 * j + 1][0],
                                        bf[2 * j + 1][1]);
                    } else {  // k-by-cols; matrices (k 0-7, n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15), (k 8-15, n 8-15)
                        const int kr = kk + ((q & 1) << 3) + (lane & 7);
                        const int nc = (nCol + ((q >> 1) << 3)) >> 3;
                        px::ldmatrix_x4_trans(sB + off_k_by_cols(kr, nc), bf[2 * j][0], bf[2 * j][1],
                                              bf[2 * j + 1][0], bf[2 * j + 1][1]);
                    }
                }
#pragma unroll
                for (int i = 0; i < 4; i++)
#pragma unroll
                    for (int j = 0; j < 4; j++) px::Mma<T>::run(acc[i][j], af[i], bf[j][0], bf[j][1]);
            }
        }
        px::cp_async_wait_all();  // only empty groups can be pending here; keeps the invariant obvious

        // acc[i][j][h*2 + e] is row m0 + warpM*64 + i*16 + g + 8h, col n0 + warpN*32 + j*8 + 2*t4 + e.
        // N even: (row * N + even col) is even, so 2-element F32 stores are 8-byte aligned.
        const bool pairs = N % 2 == 0 && px::aligned16(reinterpret_cast<const void*>(p.c));
#pragma unroll
        for (int i = 0; i < 4; i++) {
#pragma unroll
            for (int h = 0; h < 2; h++) {
                const i64 row = m0 + warpM * 64 + i * 16 + g + 8 * h;
                if (row >= M) continue;
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    const i64 col = n0 + warpN * 32 + j * 8 + 2 * t4;
                    const i64 idx = (tc.batch * M + row) * N + col;
                    const float v0 = acc[i][j][2 * h], v1 = acc[i][j][2 * h + 1];
                    if (p.cF32) {
                        float* C = reinterpret_cast<float*>(p.c);
                        if (pairs && col + 1 < N) {
                            float2 o = make_float2(p.alpha * v0, p.alpha * v1);
                            if (p.beta != 0.0f) {
                                const float2 old = *reinterpret_cast<const float2*>(C + idx);
                                o.x += p.beta * old.x;
                                o.y += p.beta * old.y;
                            }
                            *reinterpret_cast<float2*>(C + idx) = o;
                        } else {
                            if (col < N) store_c(C, idx, v0, p.alpha, p.beta);
                            if (col + 1 < N) store_c(C, idx + 1, v1, p.alpha, p.beta);
                        }
                    } else {
                        T* C = reinterpret_cast<T*>(p.c);
                        if (col < N) store_c(C, idx, v0, p.alpha, p.beta);
                        if (col + 1 < N) store_c(C, idx + 1, v1, p.alpha, p.beta);
                    }
                }
            }
        }
    }
}

template <typename T>
__device__ void body(const GemmParams& p) {
    extern __shared__ __align__(128) unsigned char smem[];
    if (p.transA) {
        if (p.transB) mainloop<T, true, true>(p, smem);
        else mainloop<T, true, false>(p, smem);
    } else {
        if (p.transB) mainloop<T, false, true>(p, smem);
        else mainloop<T, false, false>(p, smem);
    }
}
}  // namespace mma

}  // namespace

extern "C" __global__ void __launch_bounds__(f32t::THREADS) gemm_f32_tiled(const GemmParams p) { f32t::body(p); }

extern "C" __global__ void __launch_bounds__(mma::THREADS, 2) gemm_bf16_mma(const GemmParams p) {
    mma::body<__nv_bfloat16>(p);
}

extern "C" __global__ void __launch_bounds__(mma::THREADS, 2) gemm_f16_mma(const GemmParams p) { mma::body<__half>(p); }
