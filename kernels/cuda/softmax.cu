// Row softmax: x [rows, cols] -> out [rows, cols], same dtype (F32, F16 or BF16), F32 arithmetic.
// out = exp(x - max) / sum(exp(x - max)) per row; -inf gets 0, a row all -inf gives zeros, a row
// holding NaN gives NaN everywhere (as the float64 reference). out may alias x: every variant
// reads a whole row (and, in the online one, reduces over the block) before it writes any of it.
// 16-byte accesses when the row start is aligned (cols * sizeof(T) a multiple of 16), else scalar.
// Variants, chosen by the Java side from cols, one per dtype (_f32, _f16, _bf16):
//   softmax_row_warp_*    cols <= 1024: a warp per row, the row in registers (32 per lane),
//                         8 rows per 256-thread block, grid-stride over rows.
//   softmax_row_block_*   cols <= 4096: a 128-thread block per row, the row in registers; small
//                         blocks so that several rows per multiprocessor keep loads in flight.
//   softmax_row_block_wide_*  cols <= 16384: a 512-thread block per row, the row in registers.
//   softmax_row_online_*  longer rows: a 1024-thread block per row, one pass for the running
//                         (max, sum) pairs combined across the block, a second pass that writes.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kSlots = 32;  // row values per thread in the register variants
constexpr int kWarpThreads = 256;
constexpr int kBlockThreads = 128;
constexpr int kWideThreads = 512;
constexpr int kOnlineThreads = 1024;

// One row (cols <= THREADS * kSlots) held in registers by THREADS threads, kSlots values each.
// Vector mapping: 16-byte chunk c = s * THREADS + tid holds elements [c * V, c * V + V).
// Scalar mapping: element s * THREADS + tid.
template <typename T, int THREADS>
__device__ __forceinline__ void softmax_row_regs(const T* x, T* out, int cols, int tid, bool vec, float* red) {
    constexpr int V = px::Vec16<T>::N;
    float v[kSlots];
    if (vec) {
#pragma unroll
        for (int s = 0; s < kSlots / V; s++) {
            const int e = (s * THREADS + tid) * V;
            if (e < cols) {
                px::load16(x + e, v + s * V);
            } else {
#pragma unroll
                for (int i = 0; i < V; i++) v[s * V + i] = -INFINITY;
            }
        }
    } else {
#pragma unroll
        for (int s = 0; s < kSlots; s++) {
            const int e = s * THREADS + tid;
            v[s] = e < cols ? px::to_f32(x[e]) : -INFINITY;
        }
    }
    float m = -INFINITY;
#pragma unroll
    for (int s = 0; s < kSlots; s++) m = px::max_nan(m, v[s]);
    m = px::block_reduce<THREADS, px::MaxNanOp>(m, red);
    if (m == -INFINITY) {  // all -inf (padding is -inf too): zeros
#pragma unroll
        for (int s = 0; s < kSlots; s++) v[s] = 0.0f;
    } else {
        float sum = 0.0f;
#pragma unroll
        for (int s = 0; s < kSlots; s++) {
            v[s] = expf(v[s] - m);  // padding: exp(-inf) = 0
            sum += v[s];
        }
        sum = px::block_reduce<THREADS, px::SumOp>(sum, red);
        const float inv = 1.0f / sum;
#pragma unroll
        for (int s = 0; s < kSlots; s++) v[s] *= inv;
    }
    if (vec) {
#pragma unroll
        for (int s = 0; s < kSlots / V; s++) {
            const int e = (s * THREADS + tid) * V;
            if (e < cols) px::store16(out + e, v + s * V);
        }
    } else {
#pragma unroll
        for (int s = 0; s < kSlots; s++) {
            const int e = s * THREADS + tid;
            if (e < cols) out[e] = px::from_f32<T>(v[s]);
        }
    }
}

template <typename T>
__device__ __forceinline__ bool rows_vectorizable(const SoftmaxParams& p) {
    return px::aligned16(reinterpret_cast<const void*>(p.x)) && px::aligned16(reinterpret_cast<const void*>(p.out)) &&
           p.cols % px::Vec16<T>::N == 0;
}

template <typename T>
__device__ void softmax_warp_body(const SoftmaxParams& p) {
    const T* x = reinterpret_cast<const T*>(p.x);
    T* out = reinterpret_cast<T*>(p.out);
    const bool vec = rows_vectorizable<T>(p);
    constexpr int kWarps = kWarpThreads / 32;
    const int lane = threadIdx.x & 31;
    for (i64 r = (i64)blockIdx.x * kWarps + (threadIdx.x >> 5); r < p.rows; r += (i64)gridDim.x * kWarps) {
        softmax_row_regs<T, 32>(x + r * p.cols, out + r * p.cols, (int)p.cols, lane, vec, nullptr);
    }
}

template <typename T, int THREADS>
__device__ void softmax_block_body(const SoftmaxParams& p) {
    __shared__ float red[32];
    const T* x = reinterpret_cast<const T*>(p.x);
    T* out = reinterpret_cast<T*>(p.out);
    const bool vec = rows_vectorizable<T>(p);
    for (i64 r = blockIdx.x; r < p.rows; r += gridDim.x) {
        softmax_row_regs<T, THREADS>(x + r * p.cols, out + r * p.cols, (int)p.cols, threadIdx.x, vec, red);
    }
}

// Running (max, sum of exp(x - max)) of the values seen so far. Mirrors the reference: -inf adds
// nothing; NaN makes the max NaN; a +inf adds exp(inf - inf) = NaN, as the two-pass form does.
struct Running {
    float m = -INFINITY;
    float s = 0.0f;

    __device__ __forceinline__ void add(float x) {
        if (x == -INFINITY || px::is_nan(m)) return;
        if (px::is_nan(x)) {
            m = x;
        } else if (x > m) {
            s = s * expf(m - x) + expf(x - x);
            m = x;
        } else {
            s += expf(x - m);
        }
    }

    __device__ __forceinline__ void merge(float m2, float s2) {
        if (px::is_nan(m) || px::is_nan(m2)) {
            m = __int_as_float(0x7fffffff);
            return;
        }
        const float mx = fmaxf(m, m2);
        if (mx == -INFINITY) return;  // both empty
        s = (m == -INFINITY ? 0.0f : s * expf(m - mx)) + (m2 == -INFINITY ? 0.0f : s2 * expf(m2 - mx));
        m = mx;
    }
};

template <typename T>
__device__ void softmax_online_body(const SoftmaxParams& p) {
    __shared__ float red_m[32], red_s[32];
    constexpr int V = px::Vec16<T>::N;
    const T* xs = reinterpret_cast<const T*>(p.x);
    T* outs = reinterpret_cast<T*>(p.out);
    const bool vec = rows_vectorizable<T>(p);
    const i64 cols = p.cols;
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    for (i64 r = blockIdx.x; r < p.rows; r += gridDim.x) {
        const T* x = xs + r * cols;
        T* out = outs + r * cols;
        Running run;
        if (vec) {
#pragma unroll 4
            for (i64 e = (i64)tid * V; e < cols; e += (i64)kOnlineThreads * V) {  // unrolled: loads in flight
                float v[V];
                px::load16(x + e, v);
#pragma unroll
                for (int i = 0; i < V; i++) run.add(v[i]);
            }
        } else {
            for (i64 e = tid; e < cols; e += kOnlineThreads) run.add(px::to_f32(x[e]));
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            const float m2 = __shfl_xor_sync(0xffffffffu, run.m, o);
            const float s2 = __shfl_xor_sync(0xffffffffu, run.s, o);
            run.merge(m2, s2);
        }
        if (lane == 0) {
            red_m[warp] = run.m;
            red_s[warp] = run.s;
        }
        __syncthreads();  // every thread has read its whole row share before anyone writes below
        Running all;
        for (int w = 0; w < kOnlineThreads / 32; w++) all.merge(red_m[w], red_s[w]);
        __syncthreads();  // red_* free for the next row
        const float m = all.m;
        const float inv = 1.0f / all.s;
        const bool empty = m == -INFINITY;
        if (vec) {
#pragma unroll 4
            for (i64 e = (i64)tid * V; e < cols; e += (i64)kOnlineThreads * V) {
                float v[V];
                px::load16(x + e, v);
#pragma unroll
                for (int i = 0; i < V; i++) v[i] = empty ? 0.0f : expf(v[i] - m) * inv;
                px::store16(out + e, v);
            }
        } else {
            for (i64 e = tid; e < cols; e += kOnlineThreads) {
                out[e] = px::from_f32<T>(empty ? 0.0f : expf(px::to_f32(x[e]) - m) * inv);
            }
        }
    }
}

}  // namespace

#define PX_SOFTMAX(suffix, T)                                                                                     \
    extern "C" __global__ void __launch_bounds__(kWarpThreads) softmax_row_warp_##suffix(const SoftmaxParams p) {  \
        softmax_warp_body<T>(p);                                                                                   \
    }                                                                                                              \
    extern "C" __global__ void __launch_bounds__(kBlockThreads) softmax_row_block_##suffix(const SoftmaxParams p) { \
        softmax_block_body<T, kBlockThreads>(p);                                                                   \
    }                                                                                                              \
    extern "C" __global__ void __launch_bounds__(kWideThreads)                                                     \
        softmax_row_block_wide_##suffix(const SoftmaxParams p) {                                                   \
        softmax_block_body<T, kWideThreads>(p);                                                                    \
    }                                                                                                              \
    extern "C" __global__ void __launch_bounds__(kOnlineThreads)                                                   \
        softmax_row_online_##suffix(const SoftmaxParams p) {                                                       \
        softmax_online_body<T>(p);                                                                                 \
    }

PX_SOFTMAX(f32, float)
PX_SOFTMAX(f16, __half)
PX_SOFTMAX(bf16, __nv_bfloat16)
