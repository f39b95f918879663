// Elementwise ops over n elements: out[i] = op(a[i], b[i % bSize]), a, b and out one dtype (F32,
// F16 or BF16), F32 arithmetic, 64-bit indices. out may be a (every element is read before it is
// written, by the same thread); b may be a.
//   add, mul    b is a suffix of a's shape, repeated over a's leading dimensions (bSize divides n)
//   gelu_erf    0.5 x erfc(-x / sqrt 2), which is 0.5 x (1 + erf(x / sqrt 2)) without the
//               cancellation of 1 + erf on the negative tail (erfcf keeps its relative precision)
//   gelu_tanh   0.5 x (1 + tanh(y)) = x sigmoid(2y), y = sqrt(2/pi) (x + 0.044715 x^3)
//   silu        x sigmoid(x)
//   swiglu      silu(a) * b, b of a's shape (bSize == n)
// sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e) with e = exp(-|z|): nothing overflows and the small side
// keeps its precision. A NaN spoils only its own element.
// Kernels, one per op and dtype: elementwise_{add,mul,gelu_erf,gelu_tanh,silu,swiglu}_{f32,f16,bf16}.
// Each thread step takes one group of V = 16 / sizeof(T) elements (4 F32, 8 F16/BF16), grid-stride
// over the groups, so that any grid covers any n. Paths, chosen at run time (the same for the whole
// grid):
//   vector   a and out 16-byte aligned: 16-byte loads and stores of whole groups (the last,
//            partial group element by element); b by 16-byte loads too when it is aligned and bSize
//            is a multiple of V (then a group of b never wraps), else gathered element by element.
//   scalar   otherwise (views at odd offsets): element by element.
// b's index follows the group with one compare per step: it starts at (first group * V) mod bSize
// and advances by (grid size * V) mod bSize, wrapping, so no thread divides per element.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kThreads = 256;

// x * sigmoid(z). __fdividef: the denominator is in [1, 2], where it is within 2 ulp, and it has
// no slow path (IEEE division's would spill the group's registers around its call).
__device__ __forceinline__ float times_sigmoid(float x, float z) {
    const float e = expf(-fabsf(z));
    return x * __fdividef(z >= 0.0f ? 1.0f : e, 1.0f + e);
}

struct AddOp {
    static constexpr bool kBinary = true;
    static __device__ __forceinline__ float apply(float x, float y) { return x + y; }
};
struct MulOp {
    static constexpr bool kBinary = true;
    static __device__ __forceinline__ float apply(float x, float y) { return x * y; }
};
struct GeluErfOp {
    static constexpr bool kBinary = false;
    static __device__ __forceinline__ float apply(float x, float) { return 0.5f * x * erfcf(-x * 0.70710678118654752f); }
};
struct GeluTanhOp {
    static constexpr bool kBinary = false;
    static __device__ __forceinline__ float apply(float x, float) {
        return times_sigmoid(x, 1.5957691216057308f * x * fmaf(0.044715f * x, x, 1.0f));  // 2y
    }
};
struct SiluOp {
    static constexpr bool kBinary = false;
    static __device__ __forceinline__ float apply(float x, float) { return times_sigmoid(x, x); }
};
struct SwigluOp {
    static constexpr bool kBinary = true;
    static __device__ __forceinline__ float apply(float x, float y) { return times_sigmoid(x, x) * y; }
};

// The next index of b after j, wrapping at bSize.
__device__ __forceinline__ i64 next_b(i64 j, i64 bSize) { return j + 1 == bSize ? 0 : j + 1; }

template <typename T, typename Op>
__device__ void elementwise_body(const ElementwiseParams& p) {
    constexpr int V = px::Vec16<T>::N;
    const T* a = reinterpret_cast<const T*>(p.a);
    const T* b = reinterpret_cast<const T*>(p.b);
    T* out = reinterpret_cast<T*>(p.out);
    const i64 n = p.n;
    const i64 bSize = p.bSize;
    const i64 groups = (n + V - 1) / V;
    const bool vec = px::aligned16(a) && px::aligned16(out);
    const bool vecB = Op::kBinary && px::aligned16(b) && bSize % V == 0;
    const i64 stride = (i64)gridDim.x * blockDim.x;
    i64 g = (i64)blockIdx.x * blockDim.x + threadIdx.x;
    const i64 step = Op::kBinary ? (stride * V) % bSize : 0;
    i64 j = Op::kBinary ? (g * V) % bSize : 0;  // b's index of the group's first element
    for (; g < groups; g += stride) {
        const i64 base = g * V;
        if (vec && base + V <= n) {
            float x[V], y[V] = {};
            px::load16(a + base, x);
            if constexpr (Op::kBinary) {
                if (vecB) {
                    px::load16(b + j, y);  // j is a multiple of V and j + V <= bSize
                } else {
                    i64 k = j;
#pragma unroll
                    for (int e = 0; e < V; e++, k = next_b(k, bSize)) y[e] = px::to_f32(b[k]);
                }
            }
#pragma unroll
            for (int e = 0; e < V; e++) x[e] = Op::apply(x[e], Op::kBinary ? y[e] : 0.0f);
            px::store16(out + base, x);
        } else {
            i64 k = j;
            for (int e = 0; e < V && base + e < n; e++) {
                const float y = Op::kBinary ? px::to_f32(b[k]) : 0.0f;
                out[base + e] = px::from_f32<T>(Op::apply(px::to_f32(a[base + e]), y));
                if (Op::kBinary) k = next_b(k, bSize);
            }
        }
        if (Op::kBinary) {
            j += step;
            j = j >= bSize ? j - bSize : j;
        }
    }
}

}  // namespace

#define PX_ELEMENTWISE(NAME, OP)                                                                               \
    extern "C" __global__ void __launch_bounds__(kThreads) elementwise_##NAME##_f32(const ElementwiseParams p) {  \
        elementwise_body<float, OP>(p);                                                                       \
    }                                                                                                         \
    extern "C" __global__ void __launch_bounds__(kThreads) elementwise_##NAME##_f16(const ElementwiseParams p) {  \
        elementwise_body<__half, OP>(p);                                                                      \
    }                                                                                                         \
    extern "C" __global__ void __launch_bounds__(kThreads) elementwise_##NAME##_bf16(const ElementwiseParams p) { \
        elementwise_body<__nv_bfloat16, OP>(p);                                                               \
    }

PX_ELEMENTWISE(add, AddOp)
PX_ELEMENTWISE(mul, MulOp)
PX_ELEMENTWISE(gelu_erf, GeluErfOp)
PX_ELEMENTWISE(gelu_tanh, GeluTanhOp)
PX_ELEMENTWISE(silu, SiluOp)
PX_ELEMENTWISE(swiglu, SwigluOp)
