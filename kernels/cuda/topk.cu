// Top-K selection, by one ordering rule (px::before): a larger value first, NaN above everything,
// equal values (NaN with NaN, -0.0 with 0.0) by the lower index.
//
// MoE gating: logits [T, E] (F32, F16, BF16), 1 <= k <= min(E, 64), E <= 4096 -> weights [T, k]
// F32 and experts [T, k] I32. Per token, fused in one kernel: the k experts chosen ON THE LOGITS
// (the order of the probabilities), p = softmax(row) of the chosen (NaN anywhere -> NaN, max -inf
// -> 0), then p / sum(p chosen) when renormalizing (0 where that sum is 0: a row all -inf).
// Indices are always real experts in [0, E).
// The row lives in registers; k rounds of an argmax over cached per-thread bests, where only the
// winning thread rescans its values. Variants (Java picks by E; suffix _f32, _f16, _bf16):
//   topk_gating_warp_e128_*   E <= 128:  a warp per token, 4 values per lane, 4 tokens per block
//   topk_gating_warp_e256_*   E <= 256:  the same with 8 values per lane
//   topk_gating_warp_e1024_*  E <= 1024: the same with 32 values per lane
//   topk_gating_block_e4096_* E <= 4096: a 128-thread block per token, 32 values per thread
//
// General top-K: x [rows, n], 1 <= k <= min(n, 1024) -> values [rows, k] (exact copies of x,
// read back by index) and indices [rows, k] I32. Every element becomes a distinct 64-bit key
// (px::rank_key: value order, then lower index), so the rule is plain descending key order. A
// block bitonic-sorts a chunk of C keys (a power of two, 64..4096) in shared memory and keeps the
// first k; rows longer than one chunk go through passes that shrink each row to chunks * k
// candidates (C >= 2k keeps shrinking it) until one chunk holds the row. Kernels:
//   topk_chunk_*  first pass over x (keys made from the values)
//   topk_merge_*  later passes over candidate keys
// Both write values/indices when the row is one chunk, else the kept keys to keysOut.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kNone = 0x7fffffff;  // "no candidate": loses to every real one

// (value, index) candidates; index kNone is empty.
struct Cand {
    float v;
    int i;
};

__device__ __forceinline__ bool better(const Cand& a, const Cand& b) {
    if (a.i == kNone) return false;
    if (b.i == kNone) return true;
    return px::before(a.v, a.i, b.v, b.i);
}

__device__ __forceinline__ Cand warp_best(Cand c) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        Cand other;
        other.v = __shfl_xor_sync(0xffffffffu, c.v, o);
        other.i = __shfl_xor_sync(0xffffffffu, c.i, o);
        if (better(other, c)) c = other;  // a strict total order: every lane ends with the same best
    }
    return c;
}

// One token's row held by THREADS threads (a warp, or a 128-thread block), VPT values each:
// element j = s * THREADS + tid. candSlots: [2][THREADS / 32] candidates (block variant only).
template <typename T, int VPT, int THREADS>
__device__ __forceinline__ void gating_row(const GatingParams& p, i64 tok, int tid, Cand* candSlots, float* red) {
    static_assert(VPT <= 32, "the taken mask is 32 bits");
    const int E = p.experts, k = p.k;
    const T* row = reinterpret_cast<const T*>(p.logits) + tok * E;
    float v[VPT];
    uint32_t taken = 0;  // bit s: slot s chosen already, or past the row
#pragma unroll
    for (int s = 0; s < VPT; s++) {
        const int j = s * THREADS + tid;
        if (j < E) {
            v[s] = px::to_f32(row[j]);
        } else {
            v[s] = -INFINITY;
            taken |= 1u << s;
        }
    }
    auto local_best = [&]() {
        Cand b{-INFINITY, kNone};
#pragma unroll
        for (int s = 0; s < VPT; s++) {
            const Cand c{v[s], s * THREADS + tid};
            if (!((taken >> s) & 1u) && better(c, b)) b = c;
        }
        return b;
    };
    Cand mine = local_best();
    Cand chosen[2] = {{0.0f, 0}, {0.0f, 0}};  // round r is kept by thread r % THREADS in slot r / THREADS
    float top = 0.0f;
    for (int r = 0; r < k; r++) {
        Cand best = warp_best(mine);
        if (THREADS > 32) {
            const int lane = tid & 31, warp = tid >> 5;
            Cand* slot = candSlots + (r & 1) * (THREADS / 32);
            if (lane == 0) slot[warp] = best;
            // One barrier per round: slot r & 1 is next written in round r + 2, after every thread
            // passed the barrier of round r + 1, so after it read the slot in round r.
            __syncthreads();
            best = slot[0];
#pragma unroll
            for (int w = 1; w < THREADS / 32; w++) {
                if (better(slot[w], best)) best = slot[w];
            }
        }
        if (r == 0) top = best.v;  // the row max by the rule: NaN if any NaN
        if (best.i != kNone && best.i % THREADS == tid) {  // this thread owned the winner (k <= E: never none)
            taken |= 1u << (best.i / THREADS);
            mine = local_best();
        }
        if (r % THREADS == tid) {  // constant indices keep chosen[] in registers
            if (r < THREADS) chosen[0] = best;
            else chosen[1] = best;
        }
    }
    // Softmax of the row, as the reference: NaN anywhere -> NaN, max -inf -> zeros.
    float sum = 0.0f;
#pragma unroll
    for (int s = 0; s < VPT; s++) {
        if (!(s * THREADS + tid >= E)) sum += expf(v[s] - top);
    }
    sum = px::block_reduce<THREADS, px::SumOp>(sum, red);
    float prob[2];
    float chosenSum = 0.0f;
#pragma unroll
    for (int c = 0; c < 2; c++) {
        const int r = c * THREADS + tid;
        prob[c] = top == -INFINITY ? 0.0f : expf(chosen[c].v - top) / sum;
        if (r < k) chosenSum += prob[c];
    }
    if (p.renormalize) chosenSum = px::block_reduce<THREADS, px::SumOp>(chosenSum, red);
    float* weights = reinterpret_cast<float*>(p.weights) + tok * k;
    int* indices = reinterpret_cast<int*>(p.indices) + tok * k;
#pragma unroll
    for (int c = 0; c < 2; c++) {
        const int r = c * THREADS + tid;
        if (r < k) {
            // a row all -inf has p = 0 everywhere: renormalized, its weights stay 0 (not 0 / 0)
            weights[r] = !p.renormalize ? prob[c] : chosenSum == 0.0f ? 0.0f : prob[c] / chosenSum;
            indices[r] = chosen[c].i;
        }
    }
}

constexpr int kGatingThreads = 128;

template <typename T, int VPT>
__device__ void gating_warp_body(const GatingParams& p) {
    constexpr int kWarps = kGatingThreads / 32;
    for (i64 tok = (i64)blockIdx.x * kWarps + (threadIdx.x >> 5); tok < p.tokens; tok += (i64)gridDim.x * kWarps) {
        gating_row<T, VPT, 32>(p, tok, threadIdx.x & 31, nullptr, nullptr);
    }
}

template <typename T>
__device__ void gating_block_body(const GatingParams& p) {
    __shared__ Cand cand[2 * (kGatingThreads / 32)];
    __shared__ float red[kGatingThreads / 32];
    for (i64 tok = blockIdx.x; tok < p.tokens; tok += gridDim.x) {
        gating_row<T, 32, kGatingThreads>(p, tok, threadIdx.x, cand, red);
    }
}

// ---------------------------------------------------------------- general top-K

// Sorts keys[0, C) descending (bitonic, C a power of two); every thread of the block takes part.
__device__ __forceinline__ void bitonic_sort_desc(u64* keys, int C) {
    for (int size = 2; size <= C; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            for (int i = threadIdx.x; i < (C >> 1); i += blockDim.x) {
                const int pos = 2 * i - (i & (stride - 1));  // first of the pair (pos & stride) == 0
                const u64 a = keys[pos], b = keys[pos + stride];
                const bool desc = (pos & size) == 0;  // the final merge (size == C) is descending
                if ((a < b) == desc) {
                    keys[pos] = b;
                    keys[pos + stride] = a;
                }
            }
            __syncthreads();
        }
    }
}

template <typename T, bool FIRST>
__device__ void topk_body(const TopKParams& p) {
    extern __shared__ __align__(16) u64 keys[];
    const int C = p.chunk, k = p.k;
    const i64 len = p.len;
    const i64 chunks = (len + C - 1) / C;
    const i64 items = p.rows * chunks;
    const T* x = reinterpret_cast<const T*>(p.x);
    const u64* keysIn = reinterpret_cast<const u64*>(p.keysIn);
    for (i64 item = blockIdx.x; item < items; item += gridDim.x) {
        const i64 row = item / chunks, ch = item - row * chunks;
        const i64 start = ch * C;
        const int cnt = (int)min((i64)C, len - start);
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            u64 key = 0;  // below every real key
            if (i < cnt) {
                const i64 e = start + i;
                key = FIRST ? px::rank_key(px::to_f32(x[row * p.n + e]), (uint32_t)e) : keysIn[row * len + e];
            }
            keys[i] = key;
        }
        __syncthreads();
        bitonic_sort_desc(keys, C);
        if (chunks == 1) {
            T* values = reinterpret_cast<T*>(p.values) + row * k;
            int* indices = reinterpret_cast<int*>(p.indices) + row * k;
            for (int i = threadIdx.x; i < k; i += blockDim.x) {
                // Every row holds at least k real keys, so these are real; the clamp only keeps a
                // broken invariant from reading outside the row.
                const i64 idx = min((i64)px::rank_key_index(keys[i]), p.n - 1);
                values[i] = x[row * p.n + idx];
                indices[i] = (int)idx;
            }
        } else {
            u64* out = reinterpret_cast<u64*>(p.keysOut) + (row * chunks + ch) * k;
            for (int i = threadIdx.x; i < k; i += blockDim.x) out[i] = keys[i];
        }
        __syncthreads();  // keys[] is refilled by the next item
    }
}

}  // namespace

#define PX_TOPK(suffix, T)                                                                                            \
    extern "C" __global__ void __launch_bounds__(kGatingThreads) topk_gating_warp_e128_##suffix(const GatingParams p) {  \
        gating_warp_body<T, 4>(p);                                                                                      \
    }                                                                                                                   \
    extern "C" __global__ void __launch_bounds__(kGatingThreads) topk_gating_warp_e256_##suffix(const GatingParams p) {  \
        gating_warp_body<T, 8>(p);                                                                                      \
    }                                                                                                                   \
    extern "C" __global__ void __launch_bounds__(kGatingThreads)                                                        \
        topk_gating_warp_e1024_##suffix(const GatingParams p) {                                                         \
        gating_warp_body<T, 32>(p);                                                                                     \
    }                                                                                                                   \
    extern "C" __global__ void __launch_bounds__(kGatingThreads)                                                        \
        topk_gating_block_e4096_##suffix(const GatingParams p) {                                                        \
        gating_block_body<T>(p);                                                                                        \
    }                                                                                                                   \
    extern "C" __global__ void __launch_bounds__(1024) topk_chunk_##suffix(const TopKParams p) {                        \
        topk_body<T, true>(p);                                                                                          \
    }                                                                                                                   \
    extern "C" __global__ void __launch_bounds__(1024) topk_merge_##suffix(const TopKParams p) {                        \
        topk_body<T, false>(p);                                                                                         \
    }

PX_TOPK(f32, float)
PX_TOPK(f16, __half)
PX_TOPK(bf16, __nv_bfloat16)
