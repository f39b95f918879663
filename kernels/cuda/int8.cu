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
// int8_w8a16_tiled_f32: 64 x 64 tiles on CUDA cores (256 threads, 4 x 4 each, 16 deep), the weight
//                   tile widened to F32 in shared memory, F32 accumulation, the scale once per output.
// int8_w8a16_mma_f16/bf16: 64 x 64 tiles on tensor cores (four warps of 32 x 32, mma.sync
//                   m16n8k16 F32 accumulators, k stages of 32): the weight tile widened to the dtype
//                   of x in shared memory (every integer of [-127, 127] is exact in F16 and BF16).
// int8_w8a8_mma_*:  64 x 64 tiles on INT8 tensor cores: qx (16-byte padded rows) and the weight as
//                   bytes in shared memory, k stages of 64, mma.sync m16n8k32 s8 x s8 -> s32; out =
//                   (sx · sw) · (float) sum with __fmul_rn, the CPU's bits.
// int8_moe_gate_up_rows_* / _a8, int8_moe_down_rows / _a8: the INT8 moe's expert products after
//                   moe_align (moe.cu), a warp per output element (row, column), the row's expert
//                   by a binary search of group_ends: gate and up of the row of x (W8A8: its
//                   quantized row) against expert e's rows, silu(sg · g) · (su · u) into act F32;
//                   then act (W8A8: its quantized rows) against down[e] into y F32, which
//                   moe_combine_* of moe.cu combines.
// Every kernel grid-strides, so any grid covers any size.
#include "common.cuh"
#include "params.cuh"

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

// W8A16 with rows <= 8: out[m, n] = sw[n] · Σ_k x[m, k] · q[n, k].
template <typename T>
__device__ void w8a16_rows_body(const Int8Params& p) {
    const T* x = reinterpret_cast<const T*>(p.x);
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    T* out = reinterpret_cast<T*>(p.out);
    const int lane = threadIdx.x % 32;
    const i64 k = p.inner, warps = (i64)gridDim.x * kWarps;
    // 16 bytes of every row at once: the weight rows and x's rows all 16-byte aligned
    const bool xvec = px::aligned16(x) && k % 16 == 0;
    for (i64 n = (i64)blockIdx.x * kWarps + threadIdx.x / 32; n < p.cols; n += warps) {
        const int8_t* w = values + n * k;
        float acc[kMaxRows];
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) acc[m] = 0.0f;
        i64 done = 0;
        if (xvec && px::aligned16(w)) {
            const i64 chunks = k / 16;
            for (i64 c = lane; c < chunks; c += 32) {
                float wf[16];
                widen16(*reinterpret_cast<const uint4*>(w + c * 16), wf);
#pragma unroll
                for (int m = 0; m < kMaxRows; m++) {
                    if (m < p.rows) acc[m] = dot16<T>(x + m * k + c * 16, wf, acc[m]);
                }
            }
            done = chunks * 16;
        }
        for (i64 i = done + lane; i < k; i += 32) {
            const float wf = (float)w[i];
#pragma unroll
            for (int m = 0; m < kMaxRows; m++) {
                if (m < p.rows) acc[m] = fmaf(px::to_f32(x[m * k + i]), wf, acc[m]);
            }
        }
        const float sw = scales[n];
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) {
            if (m < p.rows) {
                const float s = px::warp_sum(acc[m]);
                if (lane == 0) out[m * p.cols + n] = px::from_f32<T>(__fmul_rn(sw, s));
            }
        }
    }
}

// (sx · sw) · (float) sum, two F32 multiplies in that order, nothing fused.
__device__ __forceinline__ float a8_output(float sx, float sw, int sum) { return __fmul_rn(__fmul_rn(sx, sw), (float)sum); }

// W8A8 with rows <= 8, x quantized into qx (rows ldq apart, 16-byte aligned, zero past k):
// out[m, n] = (sx[m] · sw[n]) · Σ_k qx[m, k] · q[n, k], the sum exact (dp4a).
template <typename T>
__device__ void w8a8_rows_body(const Int8Params& p) {
    const int8_t* qx = reinterpret_cast<const int8_t*>(p.qx);
    const float* sx = reinterpret_cast<const float*>(p.sx);
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    T* out = reinterpret_cast<T*>(p.out);
    const int lane = threadIdx.x % 32, rows = (int)p.rows;
    const i64 k = p.inner, ldq = p.ldq, warps = (i64)gridDim.x * kWarps;
    for (i64 n = (i64)blockIdx.x * kWarps + threadIdx.x / 32; n < p.cols; n += warps) {
        const int8_t* w = values + n * k;
        int acc[kMaxRows];
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) acc[m] = 0;
        i64 done = 0;
        if (px::aligned16(w)) {
            const i64 chunks = k / 16;
            for (i64 c = lane; c < chunks; c += 32) {
                const uint4 wv = *reinterpret_cast<const uint4*>(w + c * 16);
                const int8_t* xc = qx + c * 16;
#pragma unroll
                for (int m = 0; m < kMaxRows; m++) {
                    if (m < rows) acc[m] = dp16(*reinterpret_cast<const uint4*>(xc), wv, acc[m]);
                    xc += ldq;
                }
            }
            done = chunks * 16;
        }
        for (i64 i = done + lane; i < k; i += 32) {
            const int wi = w[i];
#pragma unroll
            for (int m = 0; m < kMaxRows; m++) {
                if (m < rows) acc[m] += (int)qx[m * ldq + i] * wi;
            }
        }
        const float sw = scales[n];
#pragma unroll
        for (int m = 0; m < kMaxRows; m++) {
            if (m < rows) {
                const int s = warp_sum_int(acc[m]);
                if (lane == 0) out[m * p.cols + n] = px::from_f32<T>(a8_output(sx[m], sw, s));
            }
        }
    }
}

// ---------------------------------------------------------------- tiles

constexpr int kTile = 64;

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

// W8A16 on CUDA cores (F32 x): 256 threads, each a 4 x 4 block (rows ty + 16 i, columns tx + 16 j).
namespace cc {
constexpr int kSide = 16;
constexpr int kBlock = kTile / kSide;
constexpr int kK = 16;
constexpr int kLd = kTile + 1;

__device__ void w8a16_tiled_body(const Int8Params& p, float* as, float* bs) {
    const float* x = reinterpret_cast<const float*>(p.x);
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    float* out = reinterpret_cast<float*>(p.out);
    const int tid = threadIdx.x, tx = tid % kSide, ty = tid / kSide;
    const i64 k = p.inner;
    const Tiles tiles(p.rows, p.cols);
    for (i64 t = blockIdx.x; t < tiles.total; t += gridDim.x) {
        i64 row0, col0;
        tiles.at(t, row0, col0);
        float acc[kBlock][kBlock];
#pragma unroll
        for (int i = 0; i < kBlock; i++) {
#pragma unroll
            for (int j = 0; j < kBlock; j++) acc[i][j] = 0.0f;
        }
        for (i64 k0 = 0; k0 < k; k0 += kK) {
#pragma unroll
            for (int step = 0; step < kTile * kK / kThreads; step++) {
                const int l = tid + step * kThreads;
                const int mm = l / kK, kk = l % kK;
                const i64 gm = row0 + mm, gn = col0 + mm, gk = k0 + kk;
                as[kk * kLd + mm] = gm < p.rows && gk < k ? x[gm * k + gk] : 0.0f;
                bs[kk * kLd + mm] = gn < p.cols && gk < k ? (float)values[gn * k + gk] : 0.0f;
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < kK; kk++) {
                float av[kBlock], bv[kBlock];
#pragma unroll
                for (int i = 0; i < kBlock; i++) {
                    av[i] = as[kk * kLd + ty + kSide * i];
                    bv[i] = bs[kk * kLd + tx + kSide * i];
                }
#pragma unroll
                for (int i = 0; i < kBlock; i++) {
#pragma unroll
                    for (int j = 0; j < kBlock; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < kBlock; i++) {
            const i64 row = row0 + ty + kSide * i;
#pragma unroll
            for (int j = 0; j < kBlock; j++) {
                const i64 col = col0 + tx + kSide * j;
                if (row < p.rows && col < p.cols) out[row * p.cols + col] = __fmul_rn(scales[col], acc[i][j]);
            }
        }
    }
}
}  // namespace cc

// Tensor cores: 128 threads, four warps each a 32 x 32 quarter (wm, wn) of the 64 x 64 tile;
// acc[mi][ni][q] is row wm + 16 mi + g (+ 8 for q >= 2), column wn + 8 ni + 2 t + (q & 1).
namespace tc {
constexpr int kWarpThreads = 128;
constexpr int kK = 32;          // W8A16: k per shared stage (16-bit elements)
constexpr int kLdh = kK + 8;    // 16-bit elements per shared row: 80 bytes
constexpr int kKb = 64;         // W8A8: k per shared stage (bytes)
constexpr int kLdb = kKb + 16;  // bytes per shared row: 80, rows 16-byte aligned

#ifndef PANAMAX_EMU
#define PX_MMA_16832_S8(d, a, b0, b1)                                                                          \
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "      \
        "{%0, %1, %2, %3};\n"                                                                                  \
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])                                                       \
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1))
#else
#define PX_MMA_16832_S8(d, a, b0, b1) px_emu_mma_m16n8k32_s8(d, a, b0, b1, __FILE__, __LINE__)
#endif

__device__ __forceinline__ uint32_t word(const uint8_t* s, int ld, int row, int byte) {
    return *reinterpret_cast<const uint32_t*>(s + row * ld + byte);
}

// The output of the quarter: v(acc, row, col) rounded to T at out[row, col] inside [rows, cols).
template <typename T, typename A, typename F>
__device__ __forceinline__ void store_quarter(const A (&acc)[2][4][4], i64 row0, i64 col0, i64 rows, i64 cols, T* out,
                                              F value) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int g = lane / 4, t = lane % 4, wm = (warp / 2) * 32, wn = (warp % 2) * 32;
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int ni = 0; ni < 4; ni++) {
#pragma unroll
            for (int q = 0; q < 4; q++) {
                const i64 row = row0 + wm + mi * 16 + g + (q >= 2 ? 8 : 0);
                const i64 col = col0 + wn + ni * 8 + 2 * t + (q & 1);
                if (row < rows && col < cols) out[row * cols + col] = px::from_f32<T>(value(acc[mi][ni][q], row, col));
            }
        }
    }
}

// W8A16, x F16 or BF16: the x tile's raw bits and the weight tile widened to T, k-contiguous.
template <typename T>
__device__ void w8a16_mma_body(const Int8Params& p, uint16_t* as, uint16_t* bs) {
    const T* x = reinterpret_cast<const T*>(p.x);
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    T* out = reinterpret_cast<T*>(p.out);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int g = lane / 4, t = lane % 4, wm = (warp / 2) * 32, wn = (warp % 2) * 32;
    const i64 k = p.inner;
    const Tiles tiles(p.rows, p.cols);
    for (i64 tile = blockIdx.x; tile < tiles.total; tile += gridDim.x) {
        i64 row0, col0;
        tiles.at(tile, row0, col0);
        float acc[2][4][4] = {};
        for (i64 k0 = 0; k0 < k; k0 += kK) {
            for (int i = threadIdx.x; i < kTile * kK; i += kWarpThreads) {
                const int r = i / kK, kk = i % kK;
                const i64 gr = row0 + r, gc = col0 + r, gk = k0 + kk;
                uint16_t a = 0, b = 0;
                if (gk < k) {
                    if (gr < p.rows) a = *reinterpret_cast<const uint16_t*>(x + gr * k + gk);
                    if (gc < p.cols) {
                        const T v = px::from_f32<T>((float)values[gc * k + gk]);
                        b = *reinterpret_cast<const uint16_t*>(&v);
                    }
                }
                as[r * kLdh + kk] = a;
                bs[r * kLdh + kk] = b;
            }
            __syncthreads();
#pragma unroll
            for (int ks = 0; ks < kK; ks += 16) {
                uint32_t af[2][4];
#pragma unroll
                for (int mi = 0; mi < 2; mi++) {
                    const int r = wm + mi * 16 + g;
                    const uint8_t* a8 = reinterpret_cast<const uint8_t*>(as);
                    af[mi][0] = word(a8, 2 * kLdh, r, 2 * (ks + 2 * t));
                    af[mi][1] = word(a8, 2 * kLdh, r + 8, 2 * (ks + 2 * t));
                    af[mi][2] = word(a8, 2 * kLdh, r, 2 * (ks + 2 * t + 8));
                    af[mi][3] = word(a8, 2 * kLdh, r + 8, 2 * (ks + 2 * t + 8));
                }
#pragma unroll
                for (int ni = 0; ni < 4; ni++) {
                    const int n = wn + ni * 8 + g;
                    const uint8_t* b8 = reinterpret_cast<const uint8_t*>(bs);
                    const uint32_t b0 = word(b8, 2 * kLdh, n, 2 * (ks + 2 * t));
                    const uint32_t b1 = word(b8, 2 * kLdh, n, 2 * (ks + 2 * t + 8));
#pragma unroll
                    for (int mi = 0; mi < 2; mi++) px::Mma<T>::run(acc[mi][ni], af[mi], b0, b1);
                }
            }
            __syncthreads();
        }
        store_quarter<T>(acc, row0, col0, p.rows, p.cols, out,
                         [&](float v, i64, i64 col) { return __fmul_rn(scales[col], v); });
    }
}

// 16 bytes of a k-contiguous int8 matrix (row gr, k from gk) into shared memory at dst, zeros past
// the rows or k: one 16-byte load when vec (the row and gk 16-byte aligned, k a multiple of 16).
__device__ __forceinline__ void stage16(uint8_t* dst, const int8_t* base, i64 gr, i64 rows, i64 gk, i64 k, i64 ld,
                                        bool vec) {
    uint4 v = {0u, 0u, 0u, 0u};
    if (gr < rows && gk < k) {
        const int8_t* src = base + gr * ld + gk;
        if (vec) {
            v = *reinterpret_cast<const uint4*>(src);
        } else {
            uint8_t* e = reinterpret_cast<uint8_t*>(&v);
            for (int j = 0; j < 16; j++) e[j] = gk + j < k ? (uint8_t)src[j] : 0;
        }
    }
    *reinterpret_cast<uint4*>(dst) = v;
}

// W8A8: qx (rows ldq apart, 16-byte aligned and zero-padded) and the weight as bytes, k stages of
// 64, two m16n8k32 steps each; every sum exact in 32-bit integers.
template <typename T>
__device__ void w8a8_mma_body(const Int8Params& p, uint8_t* as, uint8_t* bs) {
    const int8_t* qx = reinterpret_cast<const int8_t*>(p.qx);
    const float* sx = reinterpret_cast<const float*>(p.sx);
    const int8_t* values = reinterpret_cast<const int8_t*>(p.values);
    const float* scales = reinterpret_cast<const float*>(p.scales);
    T* out = reinterpret_cast<T*>(p.out);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int g = lane / 4, t = lane % 4, wm = (warp / 2) * 32, wn = (warp % 2) * 32;
    const i64 k = p.inner;
    const bool wvec = px::aligned16(values) && k % 16 == 0;
    const Tiles tiles(p.rows, p.cols);
    for (i64 tile = blockIdx.x; tile < tiles.total; tile += gridDim.x) {
        i64 row0, col0;
        tiles.at(tile, row0, col0);
        int acc[2][4][4] = {};
        for (i64 k0 = 0; k0 < k; k0 += kKb) {
            for (int i = threadIdx.x; i < kTile * (kKb / 16); i += kWarpThreads) {
                const int r = i / (kKb / 16), c = (i % (kKb / 16)) * 16;
                stage16(as + r * kLdb + c, qx, row0 + r, p.rows, k0 + c, p.ldq, p.ldq, true);
                stage16(bs + r * kLdb + c, values, col0 + r, p.cols, k0 + c, k, k, wvec);
            }
            __syncthreads();
#pragma unroll
            for (int ks = 0; ks < kKb; ks += 32) {
                uint32_t af[2][4];
#pragma unroll
                for (int mi = 0; mi < 2; mi++) {
                    const int r = wm + mi * 16 + g;
                    af[mi][0] = word(as, kLdb, r, ks + 4 * t);
                    af[mi][1] = word(as, kLdb, r + 8, ks + 4 * t);
                    af[mi][2] = word(as, kLdb, r, ks + 16 + 4 * t);
                    af[mi][3] = word(as, kLdb, r + 8, ks + 16 + 4 * t);
                }
#pragma unroll
                for (int ni = 0; ni < 4; ni++) {
                    const int n = wn + ni * 8 + g;
                    const uint32_t b0 = word(bs, kLdb, n, ks + 4 * t), b1 = word(bs, kLdb, n, ks + 16 + 4 * t);
#pragma unroll
                    for (int mi = 0; mi < 2; mi++) PX_MMA_16832_S8(acc[mi][ni], af[mi], b0, b1);
                }
            }
            __syncthreads();
        }
        store_quarter<T>(acc, row0, col0, p.rows, p.cols, out,
                         [&](int v, i64 row, i64 col) { return a8_output(sx[row], scales[col], v); });
    }
}
}  // namespace tc

// ---------------------------------------------------------------- the INT8 moe's expert products

// The expert of sorted row r: the first e with group_ends[e] > r; experts when there is none.
__device__ __forceinline__ i64 expert_of(const int* ends, i64 experts, i64 r) {
    i64 lo = 0, hi = experts;
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
__device__ __forceinline__ void warp_dots_a8(const int8_t* a, const int8_t* w0, const int8_t* w1, i64 n, int& d0, int& d1) {
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

// act[r, c] = silu(g) · u for row r (token sorted_rows[r], expert e) and column c < ffn, g and u
// the products of the token's row of x with gate[e][c] and up[e][c] as the INT8 matmul computes them.
template <typename T, bool kA8>
__device__ void gate_up_rows_body(const Int8MoeParams& p) {
    const int* ends = reinterpret_cast<const int*>(p.group_ends);
    const int* rows_of = reinterpret_cast<const int*>(p.sorted_rows);
    const int8_t* gate = reinterpret_cast<const int8_t*>(p.gate);
    const int8_t* up = reinterpret_cast<const int8_t*>(p.up);
    const float* gs = reinterpret_cast<const float*>(p.gate_scales);
    const float* us = reinterpret_cast<const float*>(p.up_scales);
    float* act = reinterpret_cast<float*>(p.act);
    const i64 warps = (i64)gridDim.x * kWarps, items = p.pairs * p.ffn;
    for (i64 item = (i64)blockIdx.x * kWarps + threadIdx.x / 32; item < items; item += warps) {
        const i64 r = item / p.ffn, c = item - r * p.ffn;
        const i64 e = expert_of(ends, p.experts, r);
        if (e >= p.experts) continue;  // the same for the whole warp
        const i64 token = rows_of[r], at = (e * p.ffn + c) * p.hidden, s = e * p.ffn + c;
        float g, u;
        if (kA8) {
            int dg, du;
            warp_dots_a8(reinterpret_cast<const int8_t*>(p.qx) + token * p.ldx, gate + at, up + at, p.hidden, dg, du);
            const float sx = reinterpret_cast<const float*>(p.sx)[token];
            g = a8_output(sx, gs[s], dg);
            u = a8_output(sx, us[s], du);
        } else {
            float dg, du;
            warp_dots<T>(reinterpret_cast<const T*>(p.x) + token * p.hidden, gate + at, up + at, p.hidden, dg, du);
            g = __fmul_rn(gs[s], dg);
            u = __fmul_rn(us[s], du);
        }
        if (threadIdx.x % 32 == 0) act[r * p.ffn + c] = silu_mul(g, u);
    }
}

// y[r, h] = row r of act (W8A8: its quantized row) times down[e][h], e the row's expert.
template <bool kA8>
__device__ void down_rows_body(const Int8MoeParams& p) {
    const int* ends = reinterpret_cast<const int*>(p.group_ends);
    const int8_t* down = reinterpret_cast<const int8_t*>(p.down);
    const float* ds = reinterpret_cast<const float*>(p.down_scales);
    float* y = reinterpret_cast<float*>(p.y);
    const i64 warps = (i64)gridDim.x * kWarps, items = p.pairs * p.hidden;
    for (i64 item = (i64)blockIdx.x * kWarps + threadIdx.x / 32; item < items; item += warps) {
        const i64 r = item / p.hidden, h = item - r * p.hidden;
        const i64 e = expert_of(ends, p.experts, r);
        if (e >= p.experts) continue;  // the same for the whole warp
        const i64 at = (e * p.hidden + h) * p.ffn;
        float v;
        if (kA8) {
            int d, unused;
            warp_dots_a8(reinterpret_cast<const int8_t*>(p.qa) + r * p.lda, down + at, nullptr, p.ffn, d, unused);
            v = a8_output(reinterpret_cast<const float*>(p.sa)[r], ds[e * p.hidden + h], d);
        } else {
            float d, unused;
            warp_dots<float>(reinterpret_cast<const float*>(p.act) + r * p.ffn, down + at, nullptr, p.ffn, d, unused);
            v = __fmul_rn(ds[e * p.hidden + h], d);
        }
        if (threadIdx.x % 32 == 0) y[r * p.hidden + h] = v;
    }
}

}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads) int8_dequantize(const Int8Params p) { dequantize_body(p); }

extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a16_tiled_f32(const Int8Params p) {
    __shared__ float as[cc::kK * cc::kLd];
    __shared__ float bs[cc::kK * cc::kLd];
    cc::w8a16_tiled_body(p, as, bs);
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_gate_up_rows_a8(const Int8MoeParams p) {
    gate_up_rows_body<float, true>(p);
}

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_down_rows(const Int8MoeParams p) { down_rows_body<false>(p); }

extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_down_rows_a8(const Int8MoeParams p) { down_rows_body<true>(p); }

#define PX_INT8(suffix, T)                                                                                          \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_quantize_##suffix(const Int8Params p) {             \
        quantize_body<T>(p);                                                                                        \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a16_rows_##suffix(const Int8Params p) {           \
        w8a16_rows_body<T>(p);                                                                                      \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_w8a8_rows_##suffix(const Int8Params p) {            \
        w8a8_rows_body<T>(p);                                                                                       \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_w8a8_mma_##suffix(const Int8Params p) {     \
        __shared__ __align__(16) uint8_t as[kTile * tc::kLdb];                                                      \
        __shared__ __align__(16) uint8_t bs[kTile * tc::kLdb];                                                      \
        tc::w8a8_mma_body<T>(p, as, bs);                                                                            \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) int8_moe_gate_up_rows_##suffix(const Int8MoeParams p) {  \
        gate_up_rows_body<T, false>(p);                                                                             \
    }

PX_INT8(f32, float)
PX_INT8(f16, __half)
PX_INT8(bf16, __nv_bfloat16)

#define PX_INT8_MMA(suffix, T)                                                                                      \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) int8_w8a16_mma_##suffix(const Int8Params p) {    \
        __shared__ __align__(16) uint16_t as[kTile * tc::kLdh];                                                     \
        __shared__ __align__(16) uint16_t bs[kTile * tc::kLdh];                                                     \
        tc::w8a16_mma_body<T>(p, as, bs);                                                                           \
    }

PX_INT8_MMA(f16, __half)
PX_INT8_MMA(bf16, __nv_bfloat16)
