// Flash-attention forward: out = softmax(scale * q k^T + mask) v, never holding [Sq, Skv].
// q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], out [B, Hq, Sq, D], one dtype, 1 <= D <= 256.
// Query head h reads kv head h / G, G = Hq / Hkv. The G query heads of one kv head are packed
// into the row dimension of a block: packed row r of (b, kv head) is query i = r / G of head
// kvHead * G + r % G, so a block reads each K/V tile once for all of them (GQA and decode).
// kvLengths (int [B], or 0): batch b uses keys [0, L_b), L_b = kvLengths[b] clamped to [0, Skv]
// (Skv without them). Causal: query i sees key j iff j <= i + (L_b - Sq); key tiles past a
// block's last visible key (and past L_b) are skipped, never loaded, and only tiles that cross a
// row's limit or L_b are masked; K and V rows past L_b load as zeros, so padding (NaN included)
// never reaches a result. A query that sees no key (or L_b == 0) gets zeros; one that does
// divides by its sum as it is, so a NaN score gives NaN. Online softmax in the base-2 domain
// (scaleLog2 = scale * log2 e), F32 statistics; rows with no key so far use 0 as their max so
// that exp2 never sees -inf - -inf.
// D is padded with zeros to DP (64, 128 or 256) in shared memory; 16-byte loads when D is a
// multiple of 8 (16-bit) or 4 (F32), scalar loads otherwise.
// Split-KV (decode, small Sq): when splits > 1 the key tiles a row block sees (those below L_b
// and its causal limit) are shared evenly over the splits, and each work item writes F32
// partials (out / l and the base-2 log-sum-exp) to scratch; attention_combine_* merges them. The
// number of splits is sized on Skv (the grid does not depend on the lengths, which stay on the
// device), but the work of each split follows L_b, so a cache half in use takes about half the
// time. A split in which a row sees no key (more splits than tiles, or past the row's causal
// limit) loads nothing and writes zeros with a log-sum-exp of -inf, which the combine weighs 0. Work items (b, kv head,
// row block, split) are flattened onto grid.x, heaviest causal row blocks first.
// Variants (the Java side picks by dtype and D; suffix _bf16 / _f16 / _f32):
//   attention_{bf16,f16}_mma_d64   D <= 64 (specialised for 64): 64 rows x 64 keys per tile,
//   attention_{bf16,f16}_mma_d128  D <= 128 (specialised for 128): 64 x 64,
//   attention_{bf16,f16}_mma_d256  any D <= 256 (the generic path): 64 x 32;
//                                  4 warps of 16 rows, mma.sync.m16n8k16 for S = Q K^T and O += P V
//                                  (P re-packed from the S accumulators as the A operand),
//                                  ldmatrix / ldmatrix.trans from swizzled tiles, K/V double
//                                  buffered with cp.async, Q held in registers for D <= 128.
//   attention_f32_tiled_d{64,128,256}  F32 on CUDA cores: 32 rows x 32 keys per tile, a warp per
//                                  8 rows with a lane per key for S and a lane per column for O.
//   attention_combine_*            the split-KV merge: a warp per output row.
#include "common.cuh"
#include "params.cuh"

namespace {

// One work item: rows [r0, r0 + BM) of the packed rows of (b, kvHead), key tiles [tBegin, tEnd).
struct Work {
    i64 b, kvh, r0;
    int split;
    i64 tBegin, tEnd;
    i64 limMin;  // the smallest row's last visible key (causal)
    i64 group, rowsPacked;
    i64 len;     // L_b: keys [0, len) are the batch's
};

// L_b: kvLengths[b] clamped to [0, Skv], or Skv.
__device__ __forceinline__ i64 kv_length(const AttentionParams& p, i64 b) {
    if (p.kvLengths == 0) return p.skv;
    const i64 len = reinterpret_cast<const int*>(p.kvLengths)[b];
    return len < 0 ? 0 : min(len, p.skv);
}

// The last key query i sees among len keys; < 0 when it sees none.
__device__ __forceinline__ i64 last_key(const AttentionParams& p, i64 i, i64 len) {
    return p.causal ? min(len - 1, i + (len - p.sq)) : len - 1;
}

template <int BM, int BN>
__device__ __forceinline__ Work work_of(const AttentionParams& p, i64 item) {
    Work w;
    w.group = p.hq / p.hkv;
    w.rowsPacked = p.sq * w.group;
    const i64 mBlocks = (w.rowsPacked + BM - 1) / BM;
    w.split = (int)(item % p.splits);
    const i64 rest = item / p.splits;
    const i64 mb = mBlocks - 1 - rest % mBlocks;  // heaviest (latest) causal rows first
    const i64 bkv = rest / mBlocks;
    w.b = bkv / p.hkv;
    w.kvh = bkv % p.hkv;
    w.r0 = mb * BM;
    w.len = kv_length(p, w.b);
    const i64 shift = w.len - p.sq;  // causal: row i sees keys <= i + shift
    i64 tiles = (w.len + BN - 1) / BN;
    w.limMin = w.r0 / w.group + shift;
    if (p.causal) {
        const i64 limMax = min(w.r0 + BM - 1, w.rowsPacked - 1) / w.group + shift;
        tiles = limMax < 0 ? 0 : min(tiles, limMax / BN + 1);
    }
    if (p.splits > 1) {
        w.tBegin = tiles * w.split / p.splits;
        w.tEnd = tiles * (w.split + 1) / p.splits;
    } else {
        w.tBegin = 0;
        w.tEnd = tiles;
    }
    return w;
}

// The [B, Hq, Sq] row index of packed row r (< rowsPacked) of work w.
__device__ __forceinline__ i64 out_row(const AttentionParams& p, const Work& w, i64 r) {
    const i64 i = r / w.group, h = w.kvh * w.group + r % w.group;
    return (w.b * p.hq + h) * p.sq + i;
}

__device__ __forceinline__ bool tile_needs_mask(const AttentionParams& p, const Work& w, i64 t, int BN) {
    const i64 last = (t + 1) * BN - 1;
    return last >= w.len || (p.causal && last > w.limMin);
}

// Whether packed row pr of work w sees a key in the work's tiles (splits: in its split).
__device__ __forceinline__ bool row_sees(const AttentionParams& p, const Work& w, i64 pr, int BN) {
    return w.tBegin < w.tEnd && last_key(p, pr / w.group, w.len) >= w.tBegin * BN;
}

// Writes one finished output element: direct (splits == 1) or as an F32 partial.
template <typename T>
__device__ __forceinline__ void write_out(const AttentionParams& p, const Work& w, i64 rowId, int col, float v) {
    if (p.splits == 1) {
        reinterpret_cast<T*>(p.out)[rowId * p.d + col] = px::from_f32<T>(v);
    } else {
        const i64 rows = p.batch * p.hq * p.sq;
        reinterpret_cast<float*>(p.partialO)[((i64)w.split * rows + rowId) * p.d + col] = v;
    }
}

// The split's base-2 log-sum-exp of a row: -inf when the row sees no key in it (an empty partial,
// weighed 0); NaN when l is (a NaN score), so that the combine passes it on.
__device__ __forceinline__ void write_lse(const AttentionParams& p, const Work& w, i64 rowId, bool sees, float m, float l) {
    const i64 rows = p.batch * p.hq * p.sq;
    reinterpret_cast<float*>(p.partialLse)[(i64)w.split * rows + rowId] = sees ? m + log2f(l) : -INFINITY;
}

// ================================================================ 16-bit on tensor cores

namespace mma {
constexpr int BM = 64, THREADS = 128, STAGES = 2;

template <int DP, int BN>
struct Cfg {
    static constexpr int ROW_BYTES = DP * 2;  // 8, 16 or 32 chunks of 16 bytes
    static constexpr int Q_BYTES = BM * ROW_BYTES;
    static constexpr int KV_BYTES = BN * ROW_BYTES;
    static constexpr int SMEM = Q_BYTES + STAGES * 2 * KV_BYTES;
};

// Chunk c of row r at c ^ (r & 7): 8 rows of one logical chunk hit 8 distinct bank groups (row
// length a multiple of 128 bytes), for the cp.async stores and for every ldmatrix.
template <int DP>
__device__ __forceinline__ uint32_t swz(int r, int c) {
    return r * (DP * 2) + ((c ^ (r & 7)) << 4);
}

// Fills nRows x DP of a tile; rowPtr(r) is the row's first element or nullptr (zeros).
template <typename T, int DP, typename RowPtr>
__device__ __forceinline__ void load_rows(uint32_t sTile, int nRows, RowPtr rowPtr, int D, bool vec, const T* any) {
    constexpr int CHUNKS = DP / 8;
    for (int q = threadIdx.x; q < nRows * CHUNKS; q += THREADS) {
        const int r = q / CHUNKS, c = q % CHUNKS, col = c * 8;
        const T* src = rowPtr(r);
        const uint32_t dst = sTile + swz<DP>(r, c);
        // vec: D % 8 == 0, so a chunk is wholly in or out
        px::chunk16_to_shared(dst, (src != nullptr && col < D) ? src + col : nullptr, D - col, vec, any);
    }
}

template <typename T, int DP, int BN>
__device__ void body(const AttentionParams& p) {
    using C = Cfg<DP, BN>;
    constexpr bool Q_IN_REGS = DP <= 128;
    constexpr int KD = DP / 16;  // k-steps of S = Q K^T
    constexpr int NT = BN / 8;   // n-tiles of S
    constexpr int ND = DP / 8;   // n-tiles of O
    extern __shared__ __align__(128) unsigned char smem[];
    const uint32_t sQ = px::smem_addr(smem);
    const uint32_t sKV = sQ + C::Q_BYTES;  // stage s: K at sKV + s * 2 * KV_BYTES, V after it

    const T* Q = reinterpret_cast<const T*>(p.q);
    const T* K = reinterpret_cast<const T*>(p.k);
    const T* V = reinterpret_cast<const T*>(p.v);
    const int D = p.d;
    const bool vec = D % 8 == 0 && px::aligned16(Q) && px::aligned16(K) && px::aligned16(V);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int g = lane >> 2, t4 = lane & 3, lq = lane >> 3;
    const int kdEnd = (D + 15) / 16;  // k-steps past D multiply zeros: skipped
    const i64 group = p.hq / p.hkv;
    const i64 items = p.batch * p.hkv * ((p.sq * group + BM - 1) / BM) * p.splits;

    for (i64 item = blockIdx.x; item < items; item += gridDim.x) {
        const Work w = work_of<BM, BN>(p, item);
        const i64 shift = w.len - p.sq;  // causal: row i sees keys <= i + shift
        // This thread's rows: warp * 16 + g + 8h of the block.
        i64 lim[2];
#pragma unroll
        for (int h = 0; h < 2; h++) lim[h] = (w.r0 + warp * 16 + g + 8 * h) / w.group + shift;

        float o[ND][4];
#pragma unroll
        for (int i = 0; i < ND; i++)
#pragma unroll
            for (int e = 0; e < 4; e++) o[i][e] = 0.f;
        float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};

        if (w.tBegin < w.tEnd) {
            const T* kBase = K + (w.b * p.hkv + w.kvh) * p.skv * D;
            const T* vBase = V + (w.b * p.hkv + w.kvh) * p.skv * D;
            auto load_kv = [&](int stage, i64 t) {
                const uint32_t sK = sKV + stage * 2 * C::KV_BYTES;
                const i64 j0 = t * BN;
                load_rows<T, DP>(sK, BN, [&](int r) { return j0 + r < w.len ? kBase + (j0 + r) * D : nullptr; }, D, vec, K);
                load_rows<T, DP>(sK + C::KV_BYTES, BN,
                                 [&](int r) { return j0 + r < w.len ? vBase + (j0 + r) * D : nullptr; }, D, vec, V);
            };
            load_rows<T, DP>(sQ, BM,
                             [&](int r) {
                                 const i64 pr = w.r0 + r;
                                 return pr < w.rowsPacked ? Q + out_row(p, w, pr) * D : nullptr;
                             },
                             D, vec, Q);
            load_kv(0, w.tBegin);
            px::cp_async_commit();

            uint32_t qf[Q_IN_REGS ? KD : 1][4];
            for (i64 t = w.tBegin; t < w.tEnd; t++) {
                const int it = (int)(t - w.tBegin), stage = it & 1;
                if (t + 1 < w.tEnd) {
                    load_kv(stage ^ 1, t + 1);  // last read in iteration it - 1, before its closing barrier
                    px::cp_async_commit();
                    px::cp_async_wait<1>();
                } else {
                    px::cp_async_wait<0>();
                }
                __syncthreads();  // tile t (and Q) visible to every warp
                const uint32_t sK = sKV + stage * 2 * C::KV_BYTES, sV = sK + C::KV_BYTES;

                if (Q_IN_REGS && it == 0) {
#pragma unroll
                    for (int kd = 0; kd < (Q_IN_REGS ? KD : 1); kd++) {
                        px::ldmatrix_x4(sQ + swz<DP>(warp * 16 + (lane & 15), kd * 2 + (lane >> 4)), qf[kd][0], qf[kd][1],
                                        qf[kd][2], qf[kd][3]);
                    }
                }

                // S = Q K^T for this warp's 16 rows x BN keys.
                float s[NT][4];
#pragma unroll
                for (int i = 0; i < NT; i++)
#pragma unroll
                    for (int e = 0; e < 4; e++) s[i][e] = 0.f;
#pragma unroll
                for (int kd = 0; kd < KD; kd++) {
                    if (kd >= kdEnd) continue;
                    uint32_t a[4];
                    if (Q_IN_REGS) {
#pragma unroll
                        for (int e = 0; e < 4; e++) a[e] = qf[Q_IN_REGS ? kd : 0][e];
                    } else {
                        px::ldmatrix_x4(sQ + swz<DP>(warp * 16 + (lane & 15), kd * 2 + (lane >> 4)), a[0], a[1], a[2], a[3]);
                    }
#pragma unroll
                    for (int j = 0; j < BN / 16; j++) {
                        // K tile [key][d]: matrices (keys 0-7, d 0-7), (keys 0-7, d 8-15), (keys 8-15, d 0-7), (keys 8-15, d 8-15)
                        uint32_t b0, b1, b2, b3;
                        px::ldmatrix_x4(sK + swz<DP>(j * 16 + ((lq >> 1) << 3) + (lane & 7), kd * 2 + (lq & 1)), b0, b1, b2, b3);
                        px::Mma<T>::run(s[2 * j], a, b0, b1);
                        px::Mma<T>::run(s[2 * j + 1], a, b2, b3);
                    }
                }

                // Scale, mask, online softmax. s[nt][e]: row g + 8 * (e >> 1), key t*BN + nt*8 + 2*t4 + (e & 1).
                const bool masked = tile_needs_mask(p, w, t, BN);
                float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
                for (int nt = 0; nt < NT; nt++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        float v = s[nt][e] * p.scaleLog2;
                        if (masked) {
                            const i64 key = t * BN + nt * 8 + 2 * t4 + (e & 1);
                            if (key >= w.len || (p.causal && key > lim[e >> 1])) v = -INFINITY;
                        }
                        s[nt][e] = v;
                        mx[e >> 1] = fmaxf(mx[e >> 1], v);
                    }
                }
                float alpha[2], base[2];
#pragma unroll
                for (int h = 0; h < 2; h++) {  // the 4 threads of a quad share a row
                    mx[h] = fmaxf(mx[h], __shfl_xor_sync(0xffffffffu, mx[h], 1));
                    mx[h] = fmaxf(mx[h], __shfl_xor_sync(0xffffffffu, mx[h], 2));
                    const float mNew = fmaxf(m[h], mx[h]);
                    base[h] = mNew == -INFINITY ? 0.0f : mNew;
                    alpha[h] = exp2f(m[h] - base[h]);
                    m[h] = mNew;
                    l[h] *= alpha[h];  // a per-thread partial sum; the quad adds up at the end
                }
#pragma unroll
                for (int nt = 0; nt < NT; nt++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        s[nt][e] = exp2f(s[nt][e] - base[e >> 1]);
                        l[e >> 1] += s[nt][e];
                    }
                }
#pragma unroll
                for (int nd = 0; nd < ND; nd++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) o[nd][e] *= alpha[e >> 1];
                }

                // O += P V: P from the S accumulators (the A layout of m16n8k16), V tile [key][d] via .trans.
#pragma unroll
                for (int kk = 0; kk < BN / 16; kk++) {
                    uint32_t a[4];
                    a[0] = px::Mma<T>::pack(s[2 * kk][0], s[2 * kk][1]);
                    a[1] = px::Mma<T>::pack(s[2 * kk][2], s[2 * kk][3]);
                    a[2] = px::Mma<T>::pack(s[2 * kk + 1][0], s[2 * kk + 1][1]);
                    a[3] = px::Mma<T>::pack(s[2 * kk + 1][2], s[2 * kk + 1][3]);
#pragma unroll
                    for (int jd = 0; jd < DP / 16; jd++) {
                        if (jd * 16 >= D) continue;  // columns past D are never stored
                        // matrices (keys 0-7, d 0-7), (keys 8-15, d 0-7), (keys 0-7, d 8-15), (keys 8-15, d 8-15)
                        uint32_t b0, b1, b2, b3;
                        px::ldmatrix_x4_trans(sV + swz<DP>(kk * 16 + ((lq & 1) << 3) + (lane & 7), jd * 2 + (lq >> 1)), b0, b1,
                                              b2, b3);
                        px::Mma<T>::run(o[2 * jd], a, b0, b1);
                        px::Mma<T>::run(o[2 * jd + 1], a, b2, b3);
                    }
                }
                __syncthreads();  // every warp is done with this stage before it is refilled
            }
        }

        // Finish: o / l per row; zeros for a row that saw no key (not 0 * o: P V of a blind row
        // may be NaN from a value its mask hides).
#pragma unroll
        for (int h = 0; h < 2; h++) {
            l[h] += __shfl_xor_sync(0xffffffffu, l[h], 1);
            l[h] += __shfl_xor_sync(0xffffffffu, l[h], 2);
            const i64 pr = w.r0 + warp * 16 + g + 8 * h;
            if (pr >= w.rowsPacked) continue;
            const i64 rowId = out_row(p, w, pr);
            const bool sees = row_sees(p, w, pr, BN);
            const float inv = 1.0f / l[h];
#pragma unroll
            for (int nd = 0; nd < ND; nd++) {
#pragma unroll
                for (int e = 0; e < 2; e++) {
                    const int col = nd * 8 + 2 * t4 + e;
                    if (col < D) write_out<T>(p, w, rowId, col, sees ? o[nd][2 * h + e] * inv : 0.0f);
                }
            }
            if (p.splits > 1 && t4 == 0) write_lse(p, w, rowId, sees, m[h], l[h]);
        }
    }
}
}  // namespace mma

// ================================================================ F32 on CUDA cores

namespace f32t {
constexpr int BM = 32, BN = 32, THREADS = 128, ROWS = 8;  // 4 warps x 8 rows; a lane per key

template <int DP>
struct Cfg {
    static constexpr int KLD = DP + 4;  // K rows padded: lane-per-key float4 reads are conflict-free
    static constexpr int SMEM = (BM * DP + BN * KLD + BN * DP) * 4;
};

// Fills nRows x DP floats at s (row length ld); rowPtr(r) is the row or nullptr (zeros).
template <int DP, typename RowPtr>
__device__ __forceinline__ void load_rows(float* s, int ld, int nRows, RowPtr rowPtr, int D, bool vec) {
    constexpr int Q4 = DP / 4;
    for (int q = threadIdx.x; q < nRows * Q4; q += THREADS) {
        const int r = q / Q4, col = (q % Q4) * 4;
        const float* src = rowPtr(r);
        float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
        if (src != nullptr) {
            if (vec) {  // D % 4 == 0: a float4 is wholly in or out
                if (col < D) v = *reinterpret_cast<const float4*>(src + col);
            } else {
                if (col < D) v.x = src[col];
                if (col + 1 < D) v.y = src[col + 1];
                if (col + 2 < D) v.z = src[col + 2];
                if (col + 3 < D) v.w = src[col + 3];
            }
        }
        *reinterpret_cast<float4*>(s + r * ld + col) = v;
    }
}

template <int DP>
__device__ void body(const AttentionParams& p) {
    using C = Cfg<DP>;
    constexpr int CW = DP / 32;  // output columns per lane
    extern __shared__ __align__(16) float fsm[];
    float* Qs = fsm;                  // [BM][DP]
    float* Ks = Qs + BM * DP;         // [BN][KLD]
    float* Vs = Ks + BN * C::KLD;     // [BN][DP]
    const float* Q = reinterpret_cast<const float*>(p.q);
    const float* K = reinterpret_cast<const float*>(p.k);
    const float* V = reinterpret_cast<const float*>(p.v);
    const int D = p.d;
    const bool vec = D % 4 == 0 && px::aligned16(Q) && px::aligned16(K) && px::aligned16(V);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int d4End = (D + 3) / 4;
    const i64 group = p.hq / p.hkv;
    const i64 items = p.batch * p.hkv * ((p.sq * group + BM - 1) / BM) * p.splits;

    for (i64 item = blockIdx.x; item < items; item += gridDim.x) {
        const Work w = work_of<BM, BN>(p, item);
        const i64 shift = w.len - p.sq;  // causal: row i sees keys <= i + shift
        float o[ROWS][CW], m[ROWS], l[ROWS];
#pragma unroll
        for (int rr = 0; rr < ROWS; rr++) {
            m[rr] = -INFINITY;
            l[rr] = 0.f;
#pragma unroll
            for (int c = 0; c < CW; c++) o[rr][c] = 0.f;
        }

        if (w.tBegin < w.tEnd) {
            const float* kBase = K + (w.b * p.hkv + w.kvh) * p.skv * D;
            const float* vBase = V + (w.b * p.hkv + w.kvh) * p.skv * D;
            load_rows<DP>(Qs, DP, BM,
                          [&](int r) {
                              const i64 pr = w.r0 + r;
                              return pr < w.rowsPacked ? Q + out_row(p, w, pr) * D : nullptr;
                          },
                          D, vec);
            for (i64 t = w.tBegin; t < w.tEnd; t++) {
                const i64 j0 = t * BN;
                load_rows<DP>(Ks, C::KLD, BN, [&](int r) { return j0 + r < w.len ? kBase + (j0 + r) * D : nullptr; }, D, vec);
                load_rows<DP>(Vs, DP, BN, [&](int r) { return j0 + r < w.len ? vBase + (j0 + r) * D : nullptr; }, D, vec);
                __syncthreads();  // Q, K, V tiles visible

                // S: lane = key j0 + lane, for the warp's 8 rows.
                float sc[ROWS];
#pragma unroll
                for (int rr = 0; rr < ROWS; rr++) sc[rr] = 0.f;
                const float* kRow = Ks + lane * C::KLD;
#pragma unroll 1
                for (int d4 = 0; d4 < d4End; d4++) {
                    const float4 kv = *reinterpret_cast<const float4*>(kRow + d4 * 4);
#pragma unroll
                    for (int rr = 0; rr < ROWS; rr++) {
                        const float4 qv = *reinterpret_cast<const float4*>(Qs + (warp * ROWS + rr) * DP + d4 * 4);
                        sc[rr] = fmaf(qv.x, kv.x, sc[rr]);
                        sc[rr] = fmaf(qv.y, kv.y, sc[rr]);
                        sc[rr] = fmaf(qv.z, kv.z, sc[rr]);
                        sc[rr] = fmaf(qv.w, kv.w, sc[rr]);
                    }
                }
                const bool masked = tile_needs_mask(p, w, t, BN);
                const i64 key = j0 + lane;
#pragma unroll
                for (int rr = 0; rr < ROWS; rr++) {
                    float v = sc[rr] * p.scaleLog2;
                    if (masked && (key >= w.len || (p.causal && key > (w.r0 + warp * ROWS + rr) / w.group + shift))) {
                        v = -INFINITY;
                    }
                    float mx = v;
#pragma unroll
                    for (int o2 = 16; o2 > 0; o2 >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, o2));
                    const float mNew = fmaxf(m[rr], mx);
                    const float base = mNew == -INFINITY ? 0.0f : mNew;
                    const float alpha = exp2f(m[rr] - base);
                    m[rr] = mNew;
                    sc[rr] = exp2f(v - base);
                    l[rr] = l[rr] * alpha + sc[rr];  // per-lane partial, summed over the warp at the end
#pragma unroll
                    for (int c = 0; c < CW; c++) o[rr][c] *= alpha;
                }
                // O += P V: p of key j broadcast from lane j; lane owns columns lane + 32c.
#pragma unroll 1
                for (int j = 0; j < BN; j++) {
                    float vv[CW];
#pragma unroll
                    for (int c = 0; c < CW; c++) vv[c] = Vs[j * DP + lane + 32 * c];
#pragma unroll
                    for (int rr = 0; rr < ROWS; rr++) {
                        const float pj = __shfl_sync(0xffffffffu, sc[rr], j);
#pragma unroll
                        for (int c = 0; c < CW; c++) o[rr][c] = fmaf(pj, vv[c], o[rr][c]);
                    }
                }
                __syncthreads();  // K/V (and Q) reads done before the next tile or item refills them
            }
        }

#pragma unroll
        for (int rr = 0; rr < ROWS; rr++) {
            const float lt = px::warp_sum(l[rr]);
            const i64 pr = w.r0 + warp * ROWS + rr;
            if (pr >= w.rowsPacked) continue;
            const i64 rowId = out_row(p, w, pr);
            const bool sees = row_sees(p, w, pr, BN);  // zeros, not 0 * o, for a row that saw no key
            const float inv = 1.0f / lt;
#pragma unroll
            for (int c = 0; c < CW; c++) {
                const int col = lane + 32 * c;
                if (col < D) write_out<float>(p, w, rowId, col, sees ? o[rr][c] * inv : 0.0f);
            }
            if (p.splits > 1 && lane == 0) write_lse(p, w, rowId, sees, m[rr], lt);
        }
    }
}
}  // namespace f32t

// ================================================================ split-KV combine

constexpr int kCombineThreads = 128;

// out[row] = sum_s 2^(lse_s - M) * O_s[row] / sum_s 2^(lse_s - M); zeros for a row that sees no
// key (L_b == 0, or causal and i + L_b - Sq < 0). Empty splits have lse -inf and weigh 0; a NaN
// lse (a NaN score) makes the sum of weights NaN, and so the row; M == -inf with a row that sees
// keys (every score -inf) gives 0 / 0 = NaN, as in exact arithmetic.
template <typename T>
__device__ void combine_body(const AttentionParams& p) {
    const i64 rows = p.batch * p.hq * p.sq;
    const float* lse = reinterpret_cast<const float*>(p.partialLse);
    const float* po = reinterpret_cast<const float*>(p.partialO);
    T* out = reinterpret_cast<T*>(p.out);
    const int lane = threadIdx.x & 31;
    constexpr int kWarps = kCombineThreads / 32;
    for (i64 row = (i64)blockIdx.x * kWarps + (threadIdx.x >> 5); row < rows; row += (i64)gridDim.x * kWarps) {
        if (last_key(p, row % p.sq, kv_length(p, row / (p.hq * p.sq))) < 0) {
            for (int c = lane; c < p.d; c += 32) out[row * p.d + c] = px::from_f32<T>(0.0f);
            continue;
        }
        float M = -INFINITY;
        for (int s = lane; s < p.splits; s += 32) M = fmaxf(M, lse[(i64)s * rows + row]);
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) M = fmaxf(M, __shfl_xor_sync(0xffffffffu, M, o));
        float wsum = 0.f;
        for (int s = lane; s < p.splits; s += 32) wsum += exp2f(lse[(i64)s * rows + row] - M);
        wsum = px::warp_sum(wsum);
        const float inv = 1.0f / wsum;
        for (int c = lane; c < p.d; c += 32) {
            float acc = 0.f;
            for (int s = 0; s < p.splits; s++) {
                const float ws = exp2f(lse[(i64)s * rows + row] - M);  // 0 for a split that saw no key
                if (ws > 0.0f) acc = fmaf(ws, po[((i64)s * rows + row) * p.d + c], acc);
            }
            out[row * p.d + c] = px::from_f32<T>(acc * inv);
        }
    }
}

}  // namespace

// Dynamic shared memory of each variant (CudaAttention computes the same numbers; the layout test
// reads these lines).
PX_SMEM(attention_mma_d64, 40960, mma::Cfg<64, 64>::SMEM);
PX_SMEM(attention_mma_d128, 81920, mma::Cfg<128, 64>::SMEM);
PX_SMEM(attention_mma_d256, 98304, mma::Cfg<256, 32>::SMEM);
PX_SMEM(attention_f32_tiled_d64, 25088, f32t::Cfg<64>::SMEM);
PX_SMEM(attention_f32_tiled_d128, 49664, f32t::Cfg<128>::SMEM);
PX_SMEM(attention_f32_tiled_d256, 98816, f32t::Cfg<256>::SMEM);

#define PX_ATTENTION_MMA(suffix, T)                                                                                \
    extern "C" __global__ void __launch_bounds__(mma::THREADS) attention_##suffix##_mma_d64(const AttentionParams p) {  \
        mma::body<T, 64, 64>(p);                                                                                    \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(mma::THREADS) attention_##suffix##_mma_d128(const AttentionParams p) { \
        mma::body<T, 128, 64>(p);                                                                                   \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(mma::THREADS) attention_##suffix##_mma_d256(const AttentionParams p) { \
        mma::body<T, 256, 32>(p);                                                                                   \
    }

PX_ATTENTION_MMA(bf16, __nv_bfloat16)
PX_ATTENTION_MMA(f16, __half)

extern "C" __global__ void __launch_bounds__(f32t::THREADS, 1) attention_f32_tiled_d64(const AttentionParams p) {
    f32t::body<64>(p);
}
extern "C" __global__ void __launch_bounds__(f32t::THREADS, 1) attention_f32_tiled_d128(const AttentionParams p) {
    f32t::body<128>(p);
}
extern "C" __global__ void __launch_bounds__(f32t::THREADS, 1) attention_f32_tiled_d256(const AttentionParams p) {
    f32t::body<256>(p);
}

extern "C" __global__ void __launch_bounds__(kCombineThreads) attention_combine_f32(const AttentionParams p) {
    combine_body<float>(p);
}
extern "C" __global__ void __launch_bounds__(kCombineThreads) attention_combine_f16(const AttentionParams p) {
    combine_body<__half>(p);
}
extern "C" __global__ void __launch_bounds__(kCombineThreads) attention_combine_bf16(const AttentionParams p) {
    combine_body<__nv_bfloat16>(p);
}
