// Row norms over the last dimension: x [rows, cols] (F32, F16 or BF16), F32 statistics and arithmetic.
//   layer_norm    out = (x - mean) / sqrt(var + eps) * gamma + beta, the biased variance
//   rms_norm      out = x / sqrt(mean(x^2) + eps) * gamma
//   add_rms_norm  s = residual + x in F32; residual = s (rounded); x = s / sqrt(mean(s^2) + eps) * gamma
// gamma and beta are [cols], each of x's dtype or F32 (template parameters G and B; the kernel's
// suffix names the F32 ones: _gf32, _bf32, _gf32_bf32). out may be x (add_rms_norm: it is x): a
// thread writes only elements it has read, after the row's reductions. A NaN in a row makes that
// row NaN.
//
// layer_norm never takes E[x^2] - mean^2 (a row of mean 1e4 and spread 1 would lose its whole
// variance to rounding). With the row in registers: hi = mean(x) in F32; d = x - hi (exact for x
// near hi); c = mean(d), the part of the mean that hi missed; e = d - c; var = mean(e^2);
// out = e / sqrt(var + eps) * gamma + beta. A row of equal values gives e = 0 and beta exactly.
// Read twice: Welford's running (count, mean, M2) of d = x - x[row start] per thread, merged by
// Chan's formula; out = (d - mean_d) / sqrt(var + eps) * gamma + beta.
//
// Variants, chosen by the Java side (CudaNorm) from cols, for each op, dtype and weight dtypes:
//   {op}_warp_*        cols <= 1024: a warp per row, the row in registers (32 values per lane),
//                      8 rows per 256-thread block; the row is read once and written once.
//   {op}_block_*       cols <= 4096: a 128-thread block per row, the row in registers.
//   {op}_block_wide_*  cols <= 16384: a 512-thread block per row, the row in registers.
//   {op}_two_pass_*    longer rows: a 512-thread block per row, one read for the statistics and
//                      one that writes (add_rms_norm forms s again from x and residual, which the
//                      first read left alone).
// Every variant strides over rows (grid-stride), so any grid covers any number of rows. 16-byte
// accesses (px::load16 / px::store16) when x, out, residual and the weights are 16-byte aligned
// and cols is a multiple of V = 16 / sizeof(T) (every row then starts aligned), element by element
// otherwise. Reductions through px::block_reduce (warp shuffles, then the warps' partials) and, for
// Welford's triples, the same shape by hand: fixed orders, the same bits run after run.
#include "common.cuh"
#include "params.cuh"

namespace {

enum class Kind { Layer, Rms, AddRms };

constexpr int kSlots = 32;  // row values per thread in the register variants
constexpr int kWarpThreads = 256;
constexpr int kBlockThreads = 128;
constexpr int kWideThreads = 512;
constexpr int kTwoPassThreads = 512;

// The blocks of each variant a multiprocessor must hold at once (__launch_bounds__' second
// argument): 1024 threads, 64 registers each. Said explicitly because without it ptxas aims at
// full occupancy (40 registers for 512 threads on sm_86, 32 on sm_90) and spills, where 64
// registers hold the row's 32 values and the rest.
constexpr int kWarpMinBlocks = 1024 / kWarpThreads;
constexpr int kBlockMinBlocks = 1024 / kBlockThreads;
constexpr int kWideMinBlocks = 1024 / kWideThreads;
constexpr int kTwoPassMinBlocks = 1024 / kTwoPassThreads;

// N elements of W (a multiple of 16 / sizeof(W)) from a 16-byte aligned address, widened.
template <typename W, int N>
__device__ __forceinline__ void load_n(const W* p, float* out) {
    constexpr int M = px::Vec16<W>::N;
    static_assert(N % M == 0, "whole 16-byte groups");
#pragma unroll
    for (int i = 0; i < N / M; i++) px::load16(p + i * M, out + i * M);
}

// The 16-byte group of s at element e: x's, plus residual's for add_rms_norm, in F32.
template <Kind K, typename T>
__device__ __forceinline__ void load_s16(const T* x, const T* res, i64 e, float* t) {
    px::load16(x + e, t);
    if constexpr (K == Kind::AddRms) {
        constexpr int V = px::Vec16<T>::N;
        float u[V];
        px::load16(res + e, u);
#pragma unroll
        for (int i = 0; i < V; i++) t[i] += u[i];
    }
}

template <Kind K, typename T, typename G, typename B>
__device__ __forceinline__ bool rows_vectorizable(const NormParams& p) {
    return px::aligned16(reinterpret_cast<const void*>(p.x)) && px::aligned16(reinterpret_cast<const void*>(p.out)) &&
           (K != Kind::AddRms || px::aligned16(reinterpret_cast<const void*>(p.residual))) &&
           px::aligned16(reinterpret_cast<const void*>(p.gamma)) &&
           (K != Kind::Layer || px::aligned16(reinterpret_cast<const void*>(p.beta))) && p.cols % px::Vec16<T>::N == 0;
}

// Whether register slot k of thread tid holds an element of the row (see norm_row_regs).
template <int THREADS, int V>
__device__ __forceinline__ bool slot_held(int k, int tid, int cols, bool vec) {
    return (vec ? ((k / V) * THREADS + tid) * V : k * THREADS + tid) < cols;
}

// One row (cols <= THREADS * kSlots) held in registers by THREADS threads, kSlots values each.
// Vector mapping: 16-byte group c = s * THREADS + tid holds elements [c * V, c * V + V).
// Scalar mapping: element s * THREADS + tid. Unheld slots hold 0 and stay out of every sum.
template <Kind K, typename T, typename G, typename B, int THREADS>
__device__ __forceinline__ void norm_row_regs(const NormParams& p, i64 r, int tid, bool vec, float* red) {
    constexpr int V = px::Vec16<T>::N;
    const int cols = (int)p.cols;
    T* x = reinterpret_cast<T*>(p.x) + r * p.cols;
    T* res = K == Kind::AddRms ? reinterpret_cast<T*>(p.residual) + r * p.cols : nullptr;
    T* out = reinterpret_cast<T*>(p.out) + r * p.cols;
    const G* gamma = reinterpret_cast<const G*>(p.gamma);
    const B* beta = reinterpret_cast<const B*>(p.beta);
    // 1 / n, within 2 ulp: IEEE division's slow path would spill registers around its call
    const float inv_n = __fdividef(1.0f, (float)cols);
    float v[kSlots];
    if (vec) {
#pragma unroll
        for (int s = 0; s < kSlots / V; s++) {
            const int e = (s * THREADS + tid) * V;
            if (e < cols) {
                load_s16<K, T>(x, res, e, v + s * V);
                if constexpr (K == Kind::AddRms) px::store16(res + e, v + s * V);
            } else {
#pragma unroll
                for (int i = 0; i < V; i++) v[s * V + i] = 0.0f;
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < kSlots; s++) {
            const int e = s * THREADS + tid;
            v[s] = 0.0f;
            if (e < cols) {
                v[s] = px::to_f32(x[e]);
                if constexpr (K == Kind::AddRms) {
                    v[s] += px::to_f32(res[e]);
                    res[e] = px::from_f32<T>(v[s]);
                }
            }
        }
    }
    float squares = 0.0f;
    if constexpr (K == Kind::Layer) {
        float sum = 0.0f;
#pragma unroll
        for (int k = 0; k < kSlots; k++) sum += v[k];
        const float hi = px::block_reduce<THREADS, px::SumOp>(sum, red) * inv_n;
        float dsum = 0.0f;
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            v[k] = slot_held<THREADS, V>(k, tid, cols, vec) ? v[k] - hi : 0.0f;
            dsum += v[k];
        }
        // c = the sum of d over cols, divided with one fma refinement of inv_n's product: a row of
        // equal values has every d equal and their sum exact, so c is d exactly, e = 0 and out = beta
        // (the product alone can miss d by an ulp, which rstd ~ 1/sqrt(eps) magnifies into beta).
        const float dtotal = px::block_reduce<THREADS, px::SumOp>(dsum, red);
        float c = dtotal * inv_n;
        c = fmaf(fmaf(-c, (float)cols, dtotal), inv_n, c);
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            v[k] = slot_held<THREADS, V>(k, tid, cols, vec) ? v[k] - c : 0.0f;
            squares = fmaf(v[k], v[k], squares);
        }
    } else {
#pragma unroll
        for (int k = 0; k < kSlots; k++) squares = fmaf(v[k], v[k], squares);
    }
    const float rstd = rsqrtf(px::block_reduce<THREADS, px::SumOp>(squares, red) * inv_n + p.eps);
    if (vec) {
#pragma unroll
        for (int s = 0; s < kSlots / V; s++) {
            const int e = (s * THREADS + tid) * V;
            if (e < cols) {
                float g[V];
                load_n<G, V>(gamma + e, g);
                if constexpr (K == Kind::Layer) {
                    float b[V];
                    load_n<B, V>(beta + e, b);
#pragma unroll
                    for (int i = 0; i < V; i++) v[s * V + i] = fmaf(v[s * V + i] * rstd, g[i], b[i]);
                } else {
#pragma unroll
                    for (int i = 0; i < V; i++) v[s * V + i] = v[s * V + i] * rstd * g[i];
                }
                px::store16(out + e, v + s * V);
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < kSlots; s++) {
            const int e = s * THREADS + tid;
            if (e < cols) {
                const float y = v[s] * rstd;
                out[e] = px::from_f32<T>(K == Kind::Layer ? fmaf(y, px::to_f32(gamma[e]), px::to_f32(beta[e]))
                                                          : y * px::to_f32(gamma[e]));
            }
        }
    }
}

template <Kind K, typename T, typename G, typename B>
__device__ void norm_warp_body(const NormParams& p) {
    constexpr int kWarps = kWarpThreads / 32;
    const bool vec = rows_vectorizable<K, T, G, B>(p);
    const int lane = threadIdx.x & 31;
    for (i64 r = (i64)blockIdx.x * kWarps + (threadIdx.x >> 5); r < p.rows; r += (i64)gridDim.x * kWarps) {
        norm_row_regs<K, T, G, B, 32>(p, r, lane, vec, nullptr);
    }
}

template <Kind K, typename T, typename G, typename B, int THREADS>
__device__ void norm_block_body(const NormParams& p) {
    __shared__ float red[32];
    const bool vec = rows_vectorizable<K, T, G, B>(p);
    for (i64 r = blockIdx.x; r < p.rows; r += gridDim.x) {
        norm_row_regs<K, T, G, B, THREADS>(p, r, threadIdx.x, vec, red);
    }
}

// Welford's running statistics of the values seen: count, mean, sum of squared deviations.
struct Welford {
    float n = 0.0f, mean = 0.0f, m2 = 0.0f;

    __device__ __forceinline__ void add(float d) {
        n += 1.0f;
        const float delta = d - mean;
        mean += __fdividef(delta, n);
        m2 = fmaf(delta, d - mean, m2);
    }

    // Chan's formula: this (the lower-indexed part) and (nb, meanb, m2b) (the part after it).
    __device__ __forceinline__ void merge(float nb, float meanb, float m2b) {
        if (nb == 0.0f) return;
        const float total = n + nb;
        const float delta = meanb - mean;
        mean += delta * __fdividef(nb, total);
        m2 += m2b + delta * delta * __fdividef(n * nb, total);
        n = total;
    }
};

// The row's Welford statistics over the block: the warps' lanes by xor butterfly, each pair
// merged lower part first on both sides (so both lanes hold the same bits), then the warps'
// partials in warp order by every thread.
__device__ __forceinline__ Welford block_welford(Welford w, float* red_n, float* red_mean, float* red_m2) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        const float pn = __shfl_xor_sync(0xffffffffu, w.n, o);
        const float pm = __shfl_xor_sync(0xffffffffu, w.mean, o);
        const float pq = __shfl_xor_sync(0xffffffffu, w.m2, o);
        if (lane & o) {
            Welford lower{pn, pm, pq};
            lower.merge(w.n, w.mean, w.m2);
            w = lower;
        } else {
            w.merge(pn, pm, pq);
        }
    }
    if (lane == 0) {
        red_n[warp] = w.n;
        red_mean[warp] = w.mean;
        red_m2[warp] = w.m2;
    }
    __syncthreads();
    Welford all;
    for (int i = 0; i < kTwoPassThreads / 32; i++) all.merge(red_n[i], red_mean[i], red_m2[i]);
    __syncthreads();  // red_* free for the next row
    return all;
}

template <Kind K, typename T, typename G, typename B>
__device__ void norm_two_pass_body(const NormParams& p) {
    __shared__ float red_n[32], red_mean[32], red_m2[32];
    constexpr int V = px::Vec16<T>::N;
    constexpr i64 kStride = (i64)kTwoPassThreads * V;
    const bool vec = rows_vectorizable<K, T, G, B>(p);
    const i64 cols = p.cols;
    const float inv_n = __fdividef(1.0f, (float)cols);  // as in norm_row_regs
    const int tid = threadIdx.x;
    const G* gamma = reinterpret_cast<const G*>(p.gamma);
    const B* beta = reinterpret_cast<const B*>(p.beta);
    for (i64 r = blockIdx.x; r < p.rows; r += gridDim.x) {
        T* x = reinterpret_cast<T*>(p.x) + r * cols;
        T* res = K == Kind::AddRms ? reinterpret_cast<T*>(p.residual) + r * cols : nullptr;
        T* out = reinterpret_cast<T*>(p.out) + r * cols;
        if constexpr (K == Kind::Layer) {
            const float shift = px::to_f32(x[0]);  // d = x - shift is near 0: the mean of d keeps its precision
            Welford w;
            if (vec) {
                for (i64 e = (i64)tid * V; e < cols; e += kStride) {
                    float t[V];
                    px::load16(x + e, t);
#pragma unroll
                    for (int i = 0; i < V; i++) w.add(t[i] - shift);
                }
            } else {
                for (i64 e = tid; e < cols; e += kTwoPassThreads) w.add(px::to_f32(x[e]) - shift);
            }
            const Welford all = block_welford(w, red_n, red_mean, red_m2);
            const float mean = all.mean;
            const float rstd = rsqrtf(all.m2 * inv_n + p.eps);
            if (vec) {
                for (i64 e = (i64)tid * V; e < cols; e += kStride) {
                    float t[V], g[V], b[V];
                    px::load16(x + e, t);
                    load_n<G, V>(gamma + e, g);
                    load_n<B, V>(beta + e, b);
#pragma unroll
                    for (int i = 0; i < V; i++) t[i] = fmaf(((t[i] - shift) - mean) * rstd, g[i], b[i]);
                    px::store16(out + e, t);
                }
            } else {
                for (i64 e = tid; e < cols; e += kTwoPassThreads) {
                    const float y = ((px::to_f32(x[e]) - shift) - mean) * rstd;
                    out[e] = px::from_f32<T>(fmaf(y, px::to_f32(gamma[e]), px::to_f32(beta[e])));
                }
            }
        } else {
            float squares = 0.0f;
            if (vec) {
                for (i64 e = (i64)tid * V; e < cols; e += kStride) {
                    float t[V];
                    load_s16<K, T>(x, res, e, t);
#pragma unroll
                    for (int i = 0; i < V; i++) squares = fmaf(t[i], t[i], squares);
                }
            } else {
                for (i64 e = tid; e < cols; e += kTwoPassThreads) {
                    const float s = px::to_f32(x[e]) + (K == Kind::AddRms ? px::to_f32(res[e]) : 0.0f);
                    squares = fmaf(s, s, squares);
                }
            }
            const float rstd = rsqrtf(px::block_reduce<kTwoPassThreads, px::SumOp>(squares, red_n) * inv_n + p.eps);
            if (vec) {
                for (i64 e = (i64)tid * V; e < cols; e += kStride) {
                    float t[V], g[V];
                    load_s16<K, T>(x, res, e, t);
                    if constexpr (K == Kind::AddRms) px::store16(res + e, t);
                    load_n<G, V>(gamma + e, g);
#pragma unroll
                    for (int i = 0; i < V; i++) t[i] = t[i] * rstd * g[i];
                    px::store16(out + e, t);
                }
            } else {
                for (i64 e = tid; e < cols; e += kTwoPassThreads) {
                    float s = px::to_f32(x[e]);
                    if constexpr (K == Kind::AddRms) {
                        s += px::to_f32(res[e]);
                        res[e] = px::from_f32<T>(s);
                    }
                    out[e] = px::from_f32<T>(s * rstd * px::to_f32(gamma[e]));
                }
            }
        }
    }
}

}  // namespace

// The four variants of one op for one dtype and weight dtypes (SUFFIX: the dtype and weight suffix).
#define PX_NORM(OP, KIND, SUFFIX, T, G, B)                                                         \
    extern "C" __global__ void __launch_bounds__(kWarpThreads, kWarpMinBlocks)                     \
        OP##_warp_##SUFFIX(const NormParams p) {                                                   \
        norm_warp_body<KIND, T, G, B>(p);                                                          \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(kBlockThreads, kBlockMinBlocks)                   \
        OP##_block_##SUFFIX(const NormParams p) {                                                  \
        norm_block_body<KIND, T, G, B, kBlockThreads>(p);                                          \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(kWideThreads, kWideMinBlocks)                     \
        OP##_block_wide_##SUFFIX(const NormParams p) {                                             \
        norm_block_body<KIND, T, G, B, kWideThreads>(p);                                           \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(kTwoPassThreads, kTwoPassMinBlocks)               \
        OP##_two_pass_##SUFFIX(const NormParams p) {                                               \
        norm_two_pass_body<KIND, T, G, B>(p);                                                      \
    }

PX_NORM(layer_norm, Kind::Layer, f32, float, float, float)
PX_NORM(layer_norm, Kind::Layer, f16, __half, __half, __half)
PX_NORM(layer_norm, Kind::Layer, f16_gf32, __half, float, __half)
PX_NORM(layer_norm, Kind::Layer, f16_bf32, __half, __half, float)
PX_NORM(layer_norm, Kind::Layer, f16_gf32_bf32, __half, float, float)
PX_NORM(layer_norm, Kind::Layer, bf16, __nv_bfloat16, __nv_bfloat16, __nv_bfloat16)
PX_NORM(layer_norm, Kind::Layer, bf16_gf32, __nv_bfloat16, float, __nv_bfloat16)
PX_NORM(layer_norm, Kind::Layer, bf16_bf32, __nv_bfloat16, __nv_bfloat16, float)
PX_NORM(layer_norm, Kind::Layer, bf16_gf32_bf32, __nv_bfloat16, float, float)
PX_NORM(rms_norm, Kind::Rms, f32, float, float, float)
PX_NORM(rms_norm, Kind::Rms, f16, __half, __half, __half)
PX_NORM(rms_norm, Kind::Rms, f16_gf32, __half, float, __half)
PX_NORM(rms_norm, Kind::Rms, bf16, __nv_bfloat16, __nv_bfloat16, __nv_bfloat16)
PX_NORM(rms_norm, Kind::Rms, bf16_gf32, __nv_bfloat16, float, __nv_bfloat16)
PX_NORM(add_rms_norm, Kind::AddRms, f32, float, float, float)
PX_NORM(add_rms_norm, Kind::AddRms, f16, __half, __half, __half)
PX_NORM(add_rms_norm, Kind::AddRms, f16_gf32, __half, float, __half)
PX_NORM(add_rms_norm, Kind::AddRms, bf16, __nv_bfloat16, __nv_bfloat16, __nv_bfloat16)
PX_NORM(add_rms_norm, Kind::AddRms, bf16_gf32, __nv_bfloat16, float, __nv_bfloat16)
