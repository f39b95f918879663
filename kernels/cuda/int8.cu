// The INT8 family: symmetric per-row quantization, dequantization, the quantized matmul (W8A16 and
// W8A8) and the expert products of the INT8 moe. Weights are I8 [N, K] with F32 scales [N]; x is
// F32, F16 or BF16 (*_f32, *_f16, *_bf16), accumulation F32 (W8A16) or exact 32-bit integers (W8A8).
//
// int8_quantize_*:  a block of 256 per row (rows grid-strided): the row's largest magnitude by a
//                   NaN-propagating block reduction, s = max / 127 (an IEEE division, __fdiv_rn;
//                   NaN when the max is not finite), then q = clamp(rint(w / s), -127, 127) with
//                   __fdiv_rn and __float2int_rn (half to even), zeros where s is 0 or NaN: the CPU's
//                   bits (no fast math, no flush of subnormals). It writes q with a row stride ldq
//                   >= inner, the bytes past inner zero (W8A8 pads x's rows to 16 bytes with it).
// int8_dequantize:  out[r, c] = (float) values[r, c] * scales[r], one F32 multiply.
// int8_w8a16_rows_*, int8_w8a8_rows_* (decoding, rows <= 8): a warp per weight row (grid-strided),
//                   the row's bytes read once with 16-byte loads (when the row, x and K allow them;
//                   else lane-strided bytes) against every row of x; W8A16 sums x · q in F32 (fma)
//                   and scales once, W8A8 sums qx · q with dp4a in 32-bit integers. Warp sums by xor
//                   butterfly; lane 0 writes the output.
// Tiles, 64 x 64, the grid 1-D over them: *_tiled_* on CUDA cores for F32 operands (256 threads,
//   4 x 4 each, 16 deep, the weight tile widened to F32 in shared memory); *_mma_f16/bf16 on
//   tensor cores (four warps of 32 x 32, mma.sync m16n8k16 with F32 accumulators, k stages of
//   32, the weight tile widened to x's dtype: every integer of [-127, 127] is exact in F16 and
//   BF16); *_mma_a8 and int8_w8a8_mma_* on INT8 tensor cores (mma.sync m16n8k32 s8 x s8 -> s32,
//   k stages of 64 bytes; the quantized rows come 16-byte aligned and zero-padded, the weight
//   with 16-byte loads where its rows allow). W8A16 scales once per output; W8A8 writes
//   (sx · sw) · (float) sum with __fmul_rn, the CPU's bits. Element loads into the stages, no
//   cp.async pipeline or ldmatrix (as moe.cu's tiles; gemm.cu's pipeline is the next step).
// The INT8 moe's expert products, after moe_align (moe.cu) sorted the (token, slot) pairs by
// expert: gate and up of the rows of x (through sorted_rows; W8A8: their quantized rows) into act
// F32 = silu(sg · g) · (su · u), then act (W8A8: its quantized rows) by down into y F32, which
// moe_combine_* of moe.cu combines. For a few pairs int8_moe_*_rows_*: a warp per output element,
// the row's expert by a binary search of group_ends, so only the chosen experts' rows are read;
// else int8_moe_*_tiled_* / *_mma_*: tiles of sorted rows, a tile that spans experts summed
// expert by expert with the other experts' rows zero (exact zeros added: the weights are finite).
// Every kernel grid-strides, so any grid covers any size.
#include "common.cuh"
#include "params.cuh"
#include "tiles.cuh"

#include <type_traits>

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kMaxRows = 8;  // rows of x the *_rows kernels take (CudaInt8.FEW_ROWS)

__device__ __forceinline__ int clamp127(int v) { return v < -127 ? -127 : (v > 127 ? 127 : v); }

// The scale of a row whose largest magnitude is m: m / 127 in IEEE F32, NaN when m is not finite.
__device__ __forceinline__ float scale_of(float m) {
    return isfinite(m) ? __fdiv_rn(m, 127.0f) : __int_as_float(0x7fffffff);
}

// q of w for a scale s > 0 (finite): clamp(round-half-even(w / s), -127, 127).
__device__ __forceinline__ int quantize_one(float w, float s) { return clamp127(__float2int_rn(__fdiv_rn(w, s))); }

// ---------------------------------------------------------------- quantize, dequantize

template <typename T>
__device__ void quantize_body(const Int8Params& p) {
    __shared__ float red[kWarps];
    const T* x = reinterpret_cast<const T*>(p.x);
    int8_t* q = reinterpret_cast<int8_t*>(p.qx);
    float* scales = reinterpret_cast<float*>(p.sx);
    for (i64 r = blockIdx.x; r < p.rows; r += gridDim.x) {
        const T* row = x + r * p.inner;
        float m = 0.0f;
        for (i64 c = threadIdx.x; c < p.inner; c += kThreads) m = px::max_nan(m, fabsf(px::to_f32(row[c])));
        m = px::block_reduce<kThreads, px::MaxNanOp>(m, red);
        const float s = scale_of(m);
        if (threadIdx.x == 0) scales[r] = s;
        int8_t* out = q + r * p.ldq;
        for (i64 c = threadIdx.x; c < p.ldq; c += kThreads) {
            int v = 0;
            if (c < p.inner && s > 0.0f) v = quantize_one(px::to_f32(row[c]), s);  // NaN s: zeros
            out[c] = (int8_t)v;
        }
    }
}

__device__ void dequantize_body(const Int8Params& p) {
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    float* out = reinterpret_cast<float*>(p.out);
    const i64 total = p.rows * p.inner;
    for (i64 i = (i64)blockIdx.x * kThreads + threadIdx.x; i < total; i += (i64)gridDim.x * kThreads) {
        out[i] = __fmul_rn((float)values[i], scales[i / p.inner]);
    }
}

// ---------------------------------------------------------------- few rows: a warp per weight row

// The 16 signed bytes of raw as floats.
__device__ __forceinline__ void widen16(const uint4& raw, float* w) {
    const uint32_t words[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
    for (int i = 0; i < 16; i++) w[i] = (float)(int8_t)(words[i / 4] >> (8 * (i % 4)));
}

// acc + a[0..16) · w[0..16) in F32 fma, a 16-byte aligned (16 / sizeof(T) elements per load).
template <typename T>
__device__ __forceinline__ float dot16(const T* a, const float* w, float acc) {
    constexpr int V = px::Vec16<T>::N;
#pragma unroll
    for (int h = 0; h < 16 / V; h++) {
        float av[V];
        px::load16(a + h * V, av);
#pragma unroll
        for (int i = 0; i < V; i++) acc = fmaf(av[i], w[h * V + i], acc);
    }
    return acc;
}

// acc + the dot of the 16 signed bytes of a and b, exact (four dp4a).
__device__ __forceinline__ int dp16(const uint4& a, const uint4& b, int acc) {
    acc = __dp4a((int)a.x, (int)b.x, acc);
    acc = __dp4a((int)a.y, (int)b.y, acc);
    acc = __dp4a((int)a.z, (int)b.z, acc);
    return __dp4a((int)a.w, (int)b.w, acc);
}

__device__ __forceinline__ int warp_sum_int(int v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// (sx · sw) · (float) sum, two F32 multiplies in that order, nothing fused.
__device__ __forceinline__ float a8_output(float sx, float sw, int sum) { return __fmul_rn(__fmul_rn(sx, sw), (float)sum); }

// 16 weights as a row of A of type TA multiplies them: widened to F32 once (F32 fma against x),
// or kept as bytes (dp4a against quantized rows, exact).
template <typename TA>
struct Chunk16 {
    float w[16];
    __device__ void load(const int8_t* p) { widen16(*reinterpret_cast<const uint4*>(p), w); }
    __device__ float dot(const TA* a, float acc) const { return dot16<TA>(a, w, acc); }
    static __device__ float one(TA a, int8_t w, float acc) { return fmaf(px::to_f32(a), (float)w, acc); }
    static __device__ float total(float v) { return px::warp_sum(v); }
};
template <>
struct Chunk16<int8_t> {
    uint4 w;
    __device__ void load(const int8_t* p) { w = *reinterpret_cast<const uint4*>(p); }
    __device__ int dot(const int8_t* a, int acc) const { return dp16(*reinterpret_cast<const uint4*>(a), w, acc); }
    static __device__ int one(int8_t a, int8_t w, int acc) { return acc + (int)a * (int)w; }
    static __device__ int total(int v) { return warp_sum_int(v); }
};

// The matmul for rows <= 8 (decoding): a warp per weight row n, its bytes read once, against every
// row of A (x [rows, k] for W8A16; its quantized rows, ldq apart, 16-byte aligned and zero-padded,
// for W8A8): value(Σ_k A[m, k] · q[n, k], m, n) in F32 or exact integers.
template <typename TA, typename F>
__device__ void few_rows_body(const Int8Params& p, const TA* a, i64 lda, F value) {
    using Acc = typename std::conditional<sizeof(TA) == 1, int, float>::type;
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const int lane = threadIdx.x % 32, rows = (int)p.rows;
    const i64 k = p.inner, warps = (i64)gridDim.x * kWarps;
    // 16 bytes of every row at once: A's rows all 16-byte aligned, and the weight row
    const bool avec = px::aligned16(a) && (lda * (i64)sizeof(TA)) % 16 == 0;
    for (i64 n = (i64)blockIdx.x * kWarps + threadIdx.x / 32; n < p.cols; n += warps) {
        const int8_t* w = values + n * k;
        Acc acc[kMaxRows];
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) acc[m] = 0;
        i64 done = 0;
        if (avec && px::aligned16(w)) {
            const i64 chunks = k / 16;
            for (i64 c = lane; c < chunks; c += 32) {
                Chunk16<TA> wc;
                wc.load(w + c * 16);
                const TA* ac = a + c * 16;
#pragma unroll
                for (int m = 0; m < kMaxRows; m++) {
                    if (m < rows) acc[m] = wc.dot(ac, acc[m]);
                    ac += lda;
                }
            }
            done = chunks * 16;
        }
        for (i64 i = done + lane; i < k; i += 32) {
            const int8_t wi = w[i];
#pragma unroll
            for (int m = 0; m < kMaxRows; m++) {
                if (m < rows) acc[m] = Chunk16<TA>::one(a[m * lda + i], wi, acc[m]);
            }
        }
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) {
            if (m < rows) {
                const Acc sum = Chunk16<TA>::total(acc[m]);
                if (lane == 0) value(sum, sum, (i64)m, n, (i64)0);
            }
        }
    }
}

// ---------------------------------------------------------------- tiles

constexpr int kTile = 64;

// A tiled product out[r, c] = Σ_k A[r, k] · w_g[c, k] (and with w1_g), g the group of row r: A's
// row r is row rows_of[r] (row r when rows_of is null) of a, lda elements apart; w0, w1 are
// [groups][cols, inner] I8; ends the groups' row ends (null: one group, every row).
template <typename TA>
struct Operands {
    const TA* a;
    const int* rows_of;
    i64 lda;
    const int8_t* w0;
    const int8_t* w1;
    const int* ends;
    i64 groups, rows, cols, inner;
};

// The 1-D grid's tiles: tile t is rows [64 (t / colTiles), +64) and columns [64 (t % colTiles), +64).
struct Tiles {
    i64 col_tiles, total;
    __device__ Tiles(i64 rows, i64 cols)
        : col_tiles((cols + kTile - 1) / kTile), total(((rows + kTile - 1) / kTile) * ((cols + kTile - 1) / kTile)) {}
    __device__ void at(i64 t, i64& row0, i64& col0) const {
        const i64 rt = t / col_tiles;
        row0 = rt * kTile;
        col0 = (t - rt * col_tiles) * kTile;
    }
};

// The groups holding rows of [row0, row_end): [first, last] (first > last: none). A tile of sorted
// rows that spans groups is summed group by group, the A rows of the other groups zero: their
// products add exact zeros (the weights are finite). The same for the whole block.
template <typename TA>
__device__ __forceinline__ void group_span(const Operands<TA>& o, i64 row0, i64 row_end, i64& first, i64& last) {
    first = 0;
    last = 0;
    if (o.ends != nullptr) {
        first = px::group_of(o.ends, o.groups, row0);
        last = px::group_of(o.ends, o.groups, row_end - 1);
        if (last >= o.groups) last = o.groups - 1;
    }
}

// The rows [lo, hi) of group g within [row0, row_end) (every row without groups).
template <typename TA>
__device__ __forceinline__ void group_rows(const Operands<TA>& o, i64 g, i64 row0, i64 row_end, i64& lo, i64& hi) {
    lo = row0;
    hi = row_end;
    if (o.ends != nullptr) {
        const i64 start = g == 0 ? 0 : (i64)o.ends[g - 1], end = o.ends[g];
        if (start > lo) lo = start;
        if (end < hi) hi = end;
    }
}

// The group of an output row (0 without groups; groups for a row of none).
template <typename TA>
__device__ __forceinline__ i64 row_group(const Operands<TA>& o, i64 row) {
    return o.ends == nullptr ? 0 : px::group_of(o.ends, o.groups, row);
}

// Every tile of o in turn (grid-strided): a Tile on the shared stages as, bs0 and bs1 (bs1 for gate
// and up only), its accumulators zero, its product summed group by group (Tile::product over the
// k stages), then Tile::store calls value(acc0, acc1, row, col, g) for each output in the tile,
// g the row's group.
template <typename Tile, typename TA, typename S, typename F>
__device__ void tiled_body(const Operands<TA>& o, S* as, S* bs0, S* bs1, F value) {
    const Tiles tiles(o.rows, o.cols);
    for (i64 t = blockIdx.x; t < tiles.total; t += gridDim.x) {
        i64 row0, col0;
        tiles.at(t, row0, col0);
        const i64 row_end = row0 + kTile < o.rows ? row0 + kTile : o.rows;
        Tile tile{as, bs0, bs1};  // the accumulators value-initialized: zeros
        i64 first, last;
        group_span(o, row0, row_end, first, last);
        for (i64 g = first; g <= last; g++) {
            i64 lo, hi;
            group_rows(o, g, row0, row_end, lo, hi);
            if (hi > lo) tile.product(o, g, row0, lo, hi, col0);  // (an empty group: the same for the whole block)
        }
        tile.store(o, row0, row_end, col0, value);
    }
}

// F32 A on CUDA cores: 256 threads, each a 4 x 4 block (rows ty + 16 i, columns tx + 16 j).
namespace cc {
constexpr int kSide = 16;
constexpr int kBlock = kTile / kSide;
constexpr int kK = 16;
constexpr int kLd = kTile + 1;

// The tile: k stages of 16 through shared memory (as, bs0, bs1: kK * kLd floats each), the
// weight widened to F32 there, fma in F32 (px::cc_stage).
template <bool kTwo>
struct Tile {
    float* as;
    float* bs0;
    float* bs1;
    float acc0[kBlock][kBlock], acc1[kBlock][kBlock];


    // acc += rows [lo, hi) of A (the tile's other rows zero) times group g's weights, columns from col0.
    __device__ void product(const Operands<float>& o, i64 g, i64 row0, i64 lo, i64 hi, i64 col0) {
        const int tid = threadIdx.x;
        const i64 k = o.inner;
        const int8_t* w0 = o.w0 + g * o.cols * k;
        const int8_t* w1 = kTwo ? o.w1 + g * o.cols * k : nullptr;
        for (i64 k0 = 0; k0 < k; k0 += kK) {
#pragma unroll
            for (int step = 0; step < kTile * kK / kThreads; step++) {
                const int l = tid + step * kThreads;
                const int mm = l / kK, kk = l % kK;
                const i64 gm = row0 + mm, gn = col0 + mm, gk = k0 + kk;
                const bool in_k = gk < k, in_n = gn < o.cols && in_k;
                float v = 0.0f;
                if (gm >= lo && gm < hi && in_k) v = o.a[(o.rows_of != nullptr ? (i64)o.rows_of[gm] : gm) * o.lda + gk];
                as[kk * kLd + mm] = v;
                bs0[kk * kLd + mm] = in_n ? (float)w0[gn * k + gk] : 0.0f;
                if (kTwo) bs1[kk * kLd + mm] = in_n ? (float)w1[gn * k + gk] : 0.0f;
            }
            __syncthreads();
            px::cc_stage<kK, kLd, kTwo>(as, bs0, bs1, tid % kSide, tid / kSide, acc0, acc1);
            __syncthreads();
        }
    }

    template <typename F>
    __device__ void store(const Operands<float>& o, i64 row0, i64 row_end, i64 col0, F value) const {
        const int tx = threadIdx.x % kSide, ty = threadIdx.x / kSide;
#pragma unroll
        for (int i = 0; i < kBlock; i++) {
            const i64 row = row0 + ty + kSide * i;
#pragma unroll
            for (int j = 0; j < kBlock; j++) {
                const i64 col = col0 + tx + kSide * j;
                if (row < row_end && col < o.cols) value(acc0[i][j], acc1[i][j], row, col, row_group(o, row));
            }
        }
    }
};
}  // namespace cc

// Tensor cores: 128 threads, four warps each a 32 x 32 quarter (wm, wn) of the 64 x 64 tile;
// acc[mi][ni][q] is row wm + 16 mi + g (+ 8 for q >= 2), column wn + 8 ni + 2 t + (q & 1).
namespace tc {
constexpr int kWarpThreads = 128;
constexpr int kK = 32;          // 16-bit A: k per shared stage (elements)
constexpr int kKb = 64;         // INT8 A: k per shared stage (bytes)
constexpr int kLdb = kKb + 16;  // bytes per shared row: 80, rows 16-byte aligned
constexpr int kStage = kTile * 80;  // bytes of one shared operand tile, either way (80-byte rows)

#ifndef PANAMAX_EMU
#define PX_MMA_16832_S8(d, a, b0, b1)                                                                          \
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "      \
        "{%0, %1, %2, %3};\n"                                                                                  \
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])                                                       \
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1))
#else
#define PX_MMA_16832_S8(d, a, b0, b1) px_emu_mma_m16n8k32_s8(d, a, b0, b1, __FILE__, __LINE__)
#endif

__device__ __forceinline__ uint32_t word(const uint8_t* s, int row, int byte) {
    return *reinterpret_cast<const uint32_t*>(s + row * 80 + byte);
}

// 16 bytes of a k-contiguous int8 row (src: element gk of it, null for none) into shared memory
// at dst, zeros past k: one 16-byte load when vec (src 16-byte aligned and k - gk >= 16 or the
// row padded), else bytes.
__device__ __forceinline__ void stage16(uint8_t* dst, const int8_t* src, i64 gk, i64 k, bool vec) {
    uint4 v = {0u, 0u, 0u, 0u};
    if (src != nullptr && gk < k) {
        if (vec) {
            v = *reinterpret_cast<const uint4*>(src);
        } else {
            uint8_t* e = reinterpret_cast<uint8_t*>(&v);
            for (int j = 0; j < 16; j++) e[j] = gk + j < k ? (uint8_t)src[j] : 0;
        }
    }
    *reinterpret_cast<uint4*>(dst) = v;
}

// The A stage of 16-bit elements: rows [lo, hi) of the tile from row0, k [k0, k0 + 32).
template <typename T>
__device__ __forceinline__ void stage_a16(uint8_t* s, const Operands<T>& o, i64 row0, i64 lo, i64 hi, i64 k0) {
    for (int i = threadIdx.x; i < kTile * kK; i += kWarpThreads) {
        const int r = i / kK, kk = i % kK;
        const i64 gr = row0 + r, gk = k0 + kk;
        uint16_t v = 0;
        if (gr >= lo && gr < hi && gk < o.inner) {
            const i64 src = o.rows_of != nullptr ? (i64)o.rows_of[gr] : gr;
            v = *reinterpret_cast<const uint16_t*>(o.a + src * o.lda + gk);
        }
        reinterpret_cast<uint16_t*>(s + r * 80)[kk] = v;
    }
}

// The weight stage widened to T: rows [col0, col0 + 64) of w, k [k0, k0 + 32).
template <typename T>
__device__ __forceinline__ void stage_w16(uint8_t* s, const int8_t* w, i64 col0, i64 cols, i64 k0, i64 k) {
    for (int i = threadIdx.x; i < kTile * kK; i += kWarpThreads) {
        const int r = i / kK, kk = i % kK;
        const i64 gc = col0 + r, gk = k0 + kk;
        const T v = px::from_f32<T>(gc < cols && gk < k ? (float)w[gc * k + gk] : 0.0f);
        reinterpret_cast<uint16_t*>(s + r * 80)[kk] = *reinterpret_cast<const uint16_t*>(&v);
    }
}

// The A stage of bytes (rows 16-byte aligned and zero-padded to lda): rows [lo, hi), k [k0, k0 + 64).
__device__ __forceinline__ void stage_a8(uint8_t* s, const Operands<int8_t>& o, i64 row0, i64 lo, i64 hi, i64 k0) {
    for (int i = threadIdx.x; i < kTile * (kKb / 16); i += kWarpThreads) {
        const int r = i / (kKb / 16), c = (i % (kKb / 16)) * 16;
        const i64 gr = row0 + r;
        const int8_t* src = nullptr;
        if (gr >= lo && gr < hi) src = o.a + (o.rows_of != nullptr ? (i64)o.rows_of[gr] : gr) * o.lda + k0 + c;
        stage16(s + r * kLdb + c, src, k0 + c, o.lda, true);
    }
}

// The weight stage of bytes: rows [col0, col0 + 64) of w, k [k0, k0 + 64).
__device__ __forceinline__ void stage_w8(uint8_t* s, const int8_t* w, i64 col0, i64 cols, i64 k0, i64 k, bool vec) {
    for (int i = threadIdx.x; i < kTile * (kKb / 16); i += kWarpThreads) {
        const int r = i / (kKb / 16), c = (i % (kKb / 16)) * 16;
        const i64 gc = col0 + r;
        stage16(s + r * kLdb + c, gc < cols ? w + gc * k + k0 + c : nullptr, k0 + c, k, vec);
    }
}

// The INT8 tensor-core step (mma.sync m16n8k32 s8 x s8 -> s32), as px::Mma<T> for 16-bit types.
struct MmaS8 {
    static __device__ __forceinline__ void run(int* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
        PX_MMA_16832_S8(d, a, b0, b1);
    }
};

// One 64-byte k stage of the warp's quarter, two mma steps of 32 bytes of k each (m16n8k16 of
// 16-bit elements or m16n8k32 of bytes: either way a0 and a2 hold row g at bytes 4t and 16 + 4t
// of the step, a1 and a3 row g + 8, b0 and b1 column g at the same bytes).
template <typename Op, typename Acc, bool kTwo>
__device__ __forceinline__ void mma_stage(const uint8_t* as, const uint8_t* bs0, const uint8_t* bs1,
                                          Acc (&acc0)[2][4][4], Acc (&acc1)[2][4][4]) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int g = lane / 4, t = lane % 4, wm = (warp / 2) * 32, wn = (warp % 2) * 32;
#pragma unroll
    for (int kb = 0; kb < 64; kb += 32) {
        uint32_t af[2][4];
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
            const int r = wm + mi * 16 + g;
            af[mi][0] = word(as, r, kb + 4 * t);
            af[mi][1] = word(as, r + 8, kb + 4 * t);
            af[mi][2] = word(as, r, kb + 16 + 4 * t);
            af[mi][3] = word(as, r + 8, kb + 16 + 4 * t);
        }
#pragma unroll
        for (int ni = 0; ni < 4; ni++) {
            const int n = wn + ni * 8 + g;
            const uint32_t b0 = word(bs0, n, kb + 4 * t), b1 = word(bs0, n, kb + 16 + 4 * t);
#pragma unroll
            for (int mi = 0; mi < 2; mi++) Op::run(acc0[mi][ni], af[mi], b0, b1);
            if (kTwo) {
                const uint32_t c0 = word(bs1, n, kb + 4 * t), c1 = word(bs1, n, kb + 16 + 4 * t);
#pragma unroll
                for (int mi = 0; mi < 2; mi++) Op::run(acc1[mi][ni], af[mi], c0, c1);
            }
        }
    }
}

// The tile: 64-byte k stages through shared memory (as, bs0, bs1: kStage bytes each), A of TA
// (F16, BF16 with the weight widened to it: mma m16n8k16, F32 accumulators; int8_t, quantized
// rows: mma m16n8k32 s8, exact s32 accumulators).
template <typename TA, bool kTwo>
struct Tile {
    static constexpr bool kInt8 = sizeof(TA) == 1;
    using Acc = typename std::conditional<kInt8, int, float>::type;
    using Op = typename std::conditional<kInt8, MmaS8, px::Mma<TA>>::type;
    uint8_t* as;
    uint8_t* bs0;
    uint8_t* bs1;
    Acc acc0[2][4][4], acc1[2][4][4];


    // acc += rows [lo, hi) of A (the tile's other rows zero) times group g's weights, columns from col0.
    __device__ void product(const Operands<TA>& o, i64 g, i64 row0, i64 lo, i64 hi, i64 col0) {
        const i64 k = o.inner;
        const int8_t* w0 = o.w0 + g * o.cols * k;
        const int8_t* w1 = kTwo ? o.w1 + g * o.cols * k : nullptr;
        const bool vec = px::aligned16(w0) && (!kTwo || px::aligned16(w1)) && k % 16 == 0;
        for (i64 k0 = 0; k0 < k; k0 += (kInt8 ? kKb : kK)) {
            if constexpr (kInt8) {
                stage_a8(as, o, row0, lo, hi, k0);
                stage_w8(bs0, w0, col0, o.cols, k0, k, vec);
                if (kTwo) stage_w8(bs1, w1, col0, o.cols, k0, k, vec);
            } else {
                stage_a16<TA>(as, o, row0, lo, hi, k0);
                stage_w16<TA>(bs0, w0, col0, o.cols, k0, k);
                if (kTwo) stage_w16<TA>(bs1, w1, col0, o.cols, k0, k);
            }
            __syncthreads();
            mma_stage<Op, Acc, kTwo>(as, bs0, bs1, acc0, acc1);
            __syncthreads();
        }
    }

    template <typename F>
    __device__ void store(const Operands<TA>& o, i64 row0, i64 row_end, i64 col0, F value) const {
        px::for_mma_cells(row0, row_end, col0, o.cols, [&](int mi, int ni, int q, i64 row, i64 col) {
            value(acc0[mi][ni][q], acc1[mi][ni][q], row, col, row_group(o, row));
        });
    }
};
}  // namespace tc

// ---------------------------------------------------------------- the INT8 moe's expert products

// Σ a[i] · w0[i] (and · w1[i] when w1 is not null) over n, F32 fma, summed over the warp.
template <typename T>
__device__ __forceinline__ void warp_dots(const T* a, const int8_t* w0, const int8_t* w1, i64 n, float& d0, float& d1) {
    const int lane = threadIdx.x % 32;
    float s0 = 0.0f, s1 = 0.0f;
    i64 done = 0;
    if (n % 16 == 0 && px::aligned16(a) && px::aligned16(w0) && (w1 == nullptr || px::aligned16(w1))) {
        for (i64 c = lane; c < n / 16; c += 32) {
            float wf[16];
            widen16(*reinterpret_cast<const uint4*>(w0 + c * 16), wf);
            s0 = dot16<T>(a + c * 16, wf, s0);
            if (w1 != nullptr) {
                widen16(*reinterpret_cast<const uint4*>(w1 + c * 16), wf);
                s1 = dot16<T>(a + c * 16, wf, s1);
            }
        }
        done = n;
    }
    for (i64 i = done + lane; i < n; i += 32) {
        const float av = px::to_f32(a[i]);
        s0 = fmaf(av, (float)w0[i], s0);
        if (w1 != nullptr) s1 = fmaf(av, (float)w1[i], s1);
    }
    d0 = px::warp_sum(s0);
    d1 = w1 != nullptr ? px::warp_sum(s1) : 0.0f;
}

// Σ a[i] · w0[i] (and · w1[i]) over n in 32-bit integers (dp4a), summed over the warp; a is
// 16-byte aligned and zero-padded to a multiple of 16.
__device__ __forceinline__ void warp_dots(const int8_t* a, const int8_t* w0, const int8_t* w1, i64 n, int& d0, int& d1) {
    const int lane = threadIdx.x % 32;
    int s0 = 0, s1 = 0;
    i64 done = 0;
    if (n % 16 == 0 && px::aligned16(w0) && (w1 == nullptr || px::aligned16(w1))) {
        for (i64 c = lane; c < n / 16; c += 32) {
            const uint4 av = *reinterpret_cast<const uint4*>(a + c * 16);
            s0 = dp16(av, *reinterpret_cast<const uint4*>(w0 + c * 16), s0);
            if (w1 != nullptr) s1 = dp16(av, *reinterpret_cast<const uint4*>(w1 + c * 16), s1);
        }
        done = n;
    }
    for (i64 i = done + lane; i < n; i += 32) {
        const int av = a[i];
        s0 += av * (int)w0[i];
        if (w1 != nullptr) s1 += av * (int)w1[i];
    }
    d0 = warp_sum_int(s0);
    d1 = w1 != nullptr ? warp_sum_int(s1) : 0;
}

__device__ __forceinline__ float silu_mul(float g, float u) { return g / (1.0f + expf(-g)) * u; }

// The moe's rows for a few pairs: a warp per output element (row, column) of o, g the row's
// group (expert): value(d0, d1, row, col, g) with d0 (d1 with kTwo) the dot of A's row with
// w0_g's (w1_g's) row col, F32 for 16-bit or F32 A, exact 32-bit integers for INT8 A (which is
// 16-byte aligned and zero-padded). Only the chosen experts' rows are read.
template <typename TA, bool kTwo, typename F>
__device__ void rows_body(const Operands<TA>& o, F value) {
    using Acc = typename std::conditional<sizeof(TA) == 1, int, float>::type;
    const i64 warps = (i64)gridDim.x * kWarps, items = o.rows * o.cols;
    for (i64 item = (i64)blockIdx.x * kWarps + threadIdx.x / 32; item < items; item += warps) {
        const i64 r = item / o.cols, c = item - r * o.cols;
        const i64 g = px::group_of(o.ends, o.groups, r);
        if (g >= o.groups) continue;  // the same for the whole warp
        const i64 at = (g * o.cols + c) * o.inner;
        Acc d0, d1;
        warp_dots(o.a + (o.rows_of != nullptr ? (i64)o.rows_of[r] : r) * o.lda, o.w0 + at,
                  kTwo ? o.w1 + at : static_cast<const int8_t*>(nullptr), o.inner, d0, d1);
        if (threadIdx.x % 32 == 0) value(d0, d1, r, c, g);
    }
}

// ---------------------------------------------------------------- the moe's operands and epilogues

// gate and up of the moe: A the rows of a through sorted_rows, lda apart.
template <typename TA>
__device__ __forceinline__ Operands<TA> gate_up_operands(const TA* a, i64 lda, const Int8MoeParams& p) {
    return Operands<TA>{a, reinterpret_cast<const int*>(p.sorted_rows), lda, reinterpret_cast<const int8_t*>(p.gate),
                        reinterpret_cast<const int8_t*>(p.up), reinterpret_cast<const int*>(p.group_ends), p.experts,
                        p.pairs, p.ffn, p.hidden};
}

template <typename TA>
__device__ __forceinline__ Operands<TA> down_operands(const TA* a, i64 lda, const Int8MoeParams& p) {
    return Operands<TA>{a, nullptr, lda, reinterpret_cast<const int8_t*>(p.down), nullptr,
                        reinterpret_cast<const int*>(p.group_ends), p.experts, p.pairs, p.hidden, p.ffn};
}

// act[row, col] = silu(g) · u for a row of expert e < experts (nothing for a row of none), g and u
// as the INT8 matmul makes them: W8A16 sg · sum, W8A8 (sx · sg) · (float) sum, sx the row's token's.
struct StoreAct {
    float* act;
    const float* gs;
    const float* us;
    const float* sx;     // W8A8: x's row scales
    const int* rows_of;  // W8A8: the token of each row
    i64 ffn, experts;
    __device__ StoreAct(const Int8MoeParams& p)
        : act(reinterpret_cast<float*>(p.act)), gs(reinterpret_cast<const float*>(p.gate_scales)),
          us(reinterpret_cast<const float*>(p.up_scales)), sx(reinterpret_cast<const float*>(p.sx)),
          rows_of(reinterpret_cast<const int*>(p.sorted_rows)), ffn(p.ffn), experts(p.experts) {}
    __device__ void operator()(float g, float u, i64 row, i64 col, i64 e) const {
        if (e < experts) act[row * ffn + col] = silu_mul(__fmul_rn(gs[e * ffn + col], g), __fmul_rn(us[e * ffn + col], u));
    }
    __device__ void operator()(int g, int u, i64 row, i64 col, i64 e) const {
        if (e >= experts) return;
        const float s = sx[rows_of[row]];
        act[row * ffn + col] = silu_mul(a8_output(s, gs[e * ffn + col], g), a8_output(s, us[e * ffn + col], u));
    }
};

// y[row, col] = sd · sum (W8A16) or (sa · sd) · (float) sum (W8A8), sd down's scale of the row's expert.
struct StoreY {
    float* y;
    const float* ds;
    const float* sa;  // W8A8: act's row scales
    i64 hidden, experts;
    __device__ StoreY(const Int8MoeParams& p)
        : y(reinterpret_cast<float*>(p.y)), ds(reinterpret_cast<const float*>(p.down_scales)),
          sa(reinterpret_cast<const float*>(p.sa)), hidden(p.hidden), experts(p.experts) {}
    __device__ void operator()(float a, float, i64 row, i64 col, i64 e) const {
        if (e < experts) y[row * hidden + col] = __fmul_rn(ds[e * hidden + col], a);
    }
    __device__ void operator()(int a, int, i64 row, i64 col, i64 e) const {
        if (e < experts) y[row * hidden + col] = a8_output(sa[row], ds[e * hidden + col], a);
    }
};

// The quantized matmul's operands: one group, every row; A x (W8A16) or its quantized rows (W8A8).
template <typename TA>
__device__ __forceinline__ Operands<TA> matmul_operands(const TA* a, i64 lda, const Int8Params& p) {
    return Operands<TA>{a, nullptr, lda, reinterpret_cast<const int8_t*>(p.values), nullptr, nullptr, 1, p.rows, p.cols,
                        p.inner};
}

// out[row, col] = sw · sum (W8A16) or (sx · sw) · (float) sum (W8A8), rounded to T.
template <typename T>
struct StoreOut {
    T* out;
    const float* scales;
    const float* sx;
    i64 cols;
    __device__ StoreOut(const Int8Params& p)
        : out(reinterpret_cast<T*>(p.out)), scales(reinterpret_cast<const float*>(p.scales)),
          sx(reinterpret_cast<const float*>(p.sx)), cols(p.cols) {}
    __device__ void operator()(float a, float, i64 row, i64 col, i64) const {
        out[row * cols + col] = px::from_f32<T>(__fmul_rn(scales[col], a));
    }
    __device__ void operator()(int a, int, i64 row, i64 col, i64) const {
        out[row * cols + col] = px::from_f32<T>(a8_output(sx[row], scales[col], a));
    }
};

}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads) int8_dequantize(const Int8Params p) { dequantize_body(p); }

// ---------------------------------------------------------------- tiles on CUDA cores (F32 operands)

extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a16_tiled_f32(const Int8Params p) {
    __shared__ float as[cc::kK * cc::kLd];
    __shared__ float bs[cc::kK * cc::kLd];
    tiled_body<cc::Tile<false>>(matmul_operands(reinterpret_cast<const float*>(p.x), p.inner, p), as, bs, bs,
                                StoreOut<float>(p));
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_gate_up_tiled_f32(const Int8MoeParams p) {
    __shared__ float as[cc::kK * cc::kLd];
    __shared__ float bs0[cc::kK * cc::kLd];
    __shared__ float bs1[cc::kK * cc::kLd];
    tiled_body<cc::Tile<true>>(gate_up_operands(reinterpret_cast<const float*>(p.x), p.hidden, p), as, bs0, bs1,
                               StoreAct(p));
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_down_tiled(const Int8MoeParams p) {
    __shared__ float as[cc::kK * cc::kLd];
    __shared__ float bs[cc::kK * cc::kLd];
    tiled_body<cc::Tile<false>>(down_operands(reinterpret_cast<const float*>(p.act), p.ffn, p), as, bs, bs,
                                StoreY(p));
}

// ---------------------------------------------------------------- tiles on INT8 tensor cores (W8A8)

extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_moe_gate_up_mma_a8(const Int8MoeParams p) {
    __shared__ __align__(16) uint8_t as[tc::kStage];
    __shared__ __align__(16) uint8_t bs0[tc::kStage];
    __shared__ __align__(16) uint8_t bs1[tc::kStage];
    tiled_body<tc::Tile<int8_t, true>>(gate_up_operands(reinterpret_cast<const int8_t*>(p.qx), p.ldx, p), as, bs0, bs1,
                                       StoreAct(p));
}

// (At least one block per SM said outright: left to itself, ptxas holds sm_80 to 64 registers here and spills.)
extern "C" __global__ void __launch_bounds__(tc::kWarpThreads, 1) int8_moe_down_mma_a8(const Int8MoeParams p) {
    __shared__ __align__(16) uint8_t as[tc::kStage];
    __shared__ __align__(16) uint8_t bs[tc::kStage];
    tiled_body<tc::Tile<int8_t, false>>(down_operands(reinterpret_cast<const int8_t*>(p.qa), p.lda, p), as, bs, bs,
                                        StoreY(p));
}

// ---------------------------------------------------------------- the moe's rows (a few pairs)

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_gate_up_rows_a8(const Int8MoeParams p) {
    rows_body<int8_t, true>(gate_up_operands(reinterpret_cast<const int8_t*>(p.qx), p.ldx, p), StoreAct(p));
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_down_rows(const Int8MoeParams p) {
    rows_body<float, false>(down_operands(reinterpret_cast<const float*>(p.act), p.ffn, p), StoreY(p));
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_down_rows_a8(const Int8MoeParams p) {
    rows_body<int8_t, false>(down_operands(reinterpret_cast<const int8_t*>(p.qa), p.lda, p), StoreY(p));
}

// ---------------------------------------------------------------- by dtype

#define PX_INT8(suffix, T)                                                                                          \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_quantize_##suffix(const Int8Params p) {             \
        quantize_body<T>(p);                                                                                        \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a16_rows_##suffix(const Int8Params p) {           \
        few_rows_body(p, reinterpret_cast<const T*>(p.x), p.inner, StoreOut<T>(p));                                \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a8_rows_##suffix(const Int8Params p) {            \
        few_rows_body(p, reinterpret_cast<const int8_t*>(p.qx), p.ldq, StoreOut<T>(p));                            \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_w8a8_mma_##suffix(const Int8Params p) {     \
        __shared__ __align__(16) uint8_t as[tc::kStage];                                                            \
        __shared__ __align__(16) uint8_t bs[tc::kStage];                                                            \
        tiled_body<tc::Tile<int8_t, false>>(matmul_operands(reinterpret_cast<const int8_t*>(p.qx), p.ldq, p), as, bs, \
                                            bs, StoreOut<T>(p));                                                    \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_gate_up_rows_##suffix(const Int8MoeParams p) {  \
        rows_body<T, true>(gate_up_operands(reinterpret_cast<const T*>(p.x), p.hidden, p), StoreAct(p));            \
    }

PX_INT8(f32, float)
PX_INT8(f16, __half)
PX_INT8(bf16, __nv_bfloat16)

// The 16-bit dtypes' W8A16 tiles on tensor cores, the weight widened to x's dtype in shared memory.
#define PX_INT8_MMA(suffix, T)                                                                                      \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_w8a16_mma_##suffix(const Int8Params p) {    \
        __shared__ __align__(16) uint8_t as[tc::kStage];                                                            \
        __shared__ __align__(16) uint8_t bs[tc::kStage];                                                            \
        tiled_body<tc::Tile<T, false>>(matmul_operands(reinterpret_cast<const T*>(p.x), p.inner, p), as, bs, bs,    \
                                       StoreOut<T>(p));                                                             \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_moe_gate_up_mma_##suffix(const Int8MoeParams p) { \
        __shared__ __align__(16) uint8_t as[tc::kStage];                                                            \
        __shared__ __align__(16) uint8_t bs0[tc::kStage];                                                           \
        __shared__ __align__(16) uint8_t bs1[tc::kStage];                                                           \
        tiled_body<tc::Tile<T, true>>(gate_up_operands(reinterpret_cast<const T*>(p.x), p.hidden, p), as, bs0, bs1, \
                                      StoreAct(p));                                                                 \
    }

PX_INT8_MMA(f16, __half)
PX_INT8_MMA(bf16, __nv_bfloat16)
