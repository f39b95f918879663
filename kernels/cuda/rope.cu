// Rotary position embedding, in place: x [batch, heads, seq, dim] (F32, F16 or BF16), positions
// int [seq] (shared by every batch) or [batch, seq], inv float [pairs] (pairs = R / 2, 2 * pairs <=
// dim). Pair i of a row is the features (i, i + pairs) (rope_halves: Hugging Face Llama / GPT-NeoX)
// or (2i, 2i + 1) (rope_interleaved: GPT-J / Meta); with a = (float) position * inv[i], one F32
// product, and sincosf(a) at full precision (not __sinf: angles reach 1e5 and more), (x1, x2)
// becomes (x1 cos a - x2 sin a, x1 sin a + x2 cos a) in F32, rounded once to T. Features from
// 2 * pairs on are neither read nor written.
//
// Work item: one (b, s), a chunk of P pairs and a group of headsPerItem heads; the item computes
// its P angles' sincos once and rotates those pairs in each head of its group (heads share the
// angles). P is the pairs of one 16-byte chunk: 16 / sizeof(T) for rope_halves (a chunk from each
// half), half that for rope_interleaved. Items run chunk-fastest (neighbouring threads touch
// neighbouring chunks of a row), grid-strided over 64-bit indices. The Java side picks
// headsPerItem: 1 when the tensor is small (parallelism first), more when there are items enough
// to fill the GPU without it (fewer sincosf). A chunk moves as 16-byte accesses when x is 16-byte
// aligned, dim * sizeof(T) is a multiple of 16 (every row start aligned) and, for rope_halves,
// pairs * sizeof(T) too (the second half's start aligned), and the chunk is whole; else element by
// element. Kernels, one per dtype (_f32, _f16, _bf16): rope_halves_*, rope_interleaved_*.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ void rotate(float& x1, float& x2, float c, float s) {
    const float r1 = x1 * c - x2 * s;
    const float r2 = x1 * s + x2 * c;
    x1 = r1;
    x2 = r2;
}

template <typename T, bool INTERLEAVED>
__device__ void rope_body(const RopeParams& p) {
    constexpr int V = px::Vec16<T>::N;
    constexpr int P = INTERLEAVED ? V / 2 : V;  // pairs per item
    T* x = reinterpret_cast<T*>(p.x);
    const int* positions = reinterpret_cast<const int*>(p.positions);
    const float* inv = reinterpret_cast<const float*>(p.inv);
    const i64 heads = p.heads, seq = p.seq, dim = p.dim, pairs = p.pairs;
    const i64 chunks = (pairs + P - 1) / P;
    const i64 perItem = p.headsPerItem;
    const i64 groups = (heads + perItem - 1) / perItem;
    const bool vec = px::aligned16(x) && dim % V == 0 && (INTERLEAVED || pairs % V == 0);
    const i64 stride = (i64)gridDim.x * kThreads;
    for (i64 item = (i64)blockIdx.x * kThreads + threadIdx.x; item < p.items; item += stride) {
        const i64 c = item % chunks;
        const i64 rest = item / chunks;
        const i64 g = rest % groups;
        const i64 bs = rest / groups;  // b * seq + s
        const i64 b = bs / seq, s = bs - b * seq;
        const float position = (float)positions[p.positionsBatched ? bs : s];
        const i64 i0 = c * P;
        const int n = pairs - i0 < P ? (int)(pairs - i0) : P;  // pairs of this chunk
        float cs[P], sn[P];
#pragma unroll
        for (int k = 0; k < P; k++) {
            cs[k] = 1.0f;
            sn[k] = 0.0f;
            if (k < n) sincosf(position * inv[i0 + k], &sn[k], &cs[k]);
        }
        const i64 hEnd = (g + 1) * perItem < heads ? (g + 1) * perItem : heads;
        for (i64 h = g * perItem; h < hEnd; h++) {
            T* row = x + ((b * heads + h) * seq + s) * dim;
            if (vec && n == P) {
                if (INTERLEAVED) {
                    float v[V];
                    px::load16(row + 2 * i0, v);
#pragma unroll
                    for (int k = 0; k < P; k++) rotate(v[2 * k], v[2 * k + 1], cs[k], sn[k]);
                    px::store16(row + 2 * i0, v);
                } else {
                    float lo[V], hi[V];
                    px::load16(row + i0, lo);
                    px::load16(row + pairs + i0, hi);
#pragma unroll
                    for (int k = 0; k < P; k++) rotate(lo[k], hi[k], cs[k], sn[k]);
                    px::store16(row + i0, lo);
                    px::store16(row + pairs + i0, hi);
                }
            } else {
#pragma unroll
                for (int k = 0; k < P; k++) {
                    if (k >= n) break;
                    const i64 j1 = INTERLEAVED ? 2 * (i0 + k) : i0 + k;
                    const i64 j2 = INTERLEAVED ? j1 + 1 : j1 + pairs;
                    float x1 = px::to_f32(row[j1]), x2 = px::to_f32(row[j2]);
                    rotate(x1, x2, cs[k], sn[k]);
                    row[j1] = px::from_f32<T>(x1);
                    row[j2] = px::from_f32<T>(x2);
                }
            }
        }
    }
}

}  // namespace

#define PX_ROPE(suffix, T)                                                                                    \
    extern "C" __global__ void __launch_bounds__(kThreads) rope_halves_##suffix(const RopeParams p) {         \
        rope_body<T, false>(p);                                                                               \
    }                                                                                                         \
    extern "C" __global__ void __launch_bounds__(kThreads) rope_interleaved_##suffix(const RopeParams p) {    \
        rope_body<T, true>(p);                                                                                \
    }

PX_ROPE(f32, float)
PX_ROPE(f16, __half)
PX_ROPE(bf16, __nv_bfloat16)
