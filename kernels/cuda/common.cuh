// Shared device helpers for the Panamax CUDA kernels (gemm.cu, gemm_wgmma.cu, softmax.cu,
// attention.cu, topk.cu, convert.cu). Each .cu file includes this header once and is compiled on its own.
//
// The kernels' parameter structs, the u64 / i64 types of the kernel ABI and the PX_OFFSET /
// PX_SIZE / PX_ALIGN pins live in params.cuh (included here); PX_SMEM, below, pins the dynamic
// shared memory of a variant, which the Java family that launches it passes (CudaKernelsLayoutTest).
//
// Under PANAMAX_EMU (java/src/test/native/cuda/emu: the kernels compiled for the host and run by an emulator of
// the CUDA thread model, for testing without a GPU) each inline-PTX helper below calls its
// emulated twin instead; the device code is the same either way.
#pragma once

#ifndef PANAMAX_EMU
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#endif
#include <stdint.h>

#include "params.cuh"

// Pins the dynamic shared memory (bytes) a variant is launched with; the Java side reads it too.
#define PX_SMEM(name, n, ...) static_assert((__VA_ARGS__) == (n), #name " shared memory changed: update its Java family")

namespace px {

// ---------------------------------------------------------------- element types

__device__ __forceinline__ float to_f32(float x) { return x; }
__device__ __forceinline__ float to_f32(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_f32(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T> __device__ __forceinline__ T from_f32(float x);
template <> __device__ __forceinline__ float from_f32<float>(float x) { return x; }
template <> __device__ __forceinline__ __half from_f32<__half>(float x) { return __float2half_rn(x); }
template <> __device__ __forceinline__ __nv_bfloat16 from_f32<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

// Elements per 16-byte vector access.
template <typename T> struct Vec16 { static constexpr int N = 16 / sizeof(T); };

// Loads N = 16 / sizeof(T) elements from a 16-byte aligned address and widens them.
template <typename T>
__device__ __forceinline__ void load16(const T* p, float* out) {
    uint4 raw = *reinterpret_cast<const uint4*>(p);
    const T* e = reinterpret_cast<const T*>(&raw);
#pragma unroll
    for (int i = 0; i < Vec16<T>::N; i++) out[i] = to_f32(e[i]);
}

// Rounds N = 16 / sizeof(T) floats to T and stores them at a 16-byte aligned address.
template <typename T>
__device__ __forceinline__ void store16(T* p, const float* in) {
    uint4 raw;
    T* e = reinterpret_cast<T*>(&raw);
#pragma unroll
    for (int i = 0; i < Vec16<T>::N; i++) e[i] = from_f32<T>(in[i]);
    *reinterpret_cast<uint4*>(p) = raw;
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) & 15) == 0;
}

// ---------------------------------------------------------------- NaN-aware arithmetic

__device__ __forceinline__ bool is_nan(float x) { return x != x; }

// max that propagates NaN (fmaxf drops it): softmax of a row holding NaN is NaN everywhere.
__device__ __forceinline__ float max_nan(float a, float b) {
    return (is_nan(a) || is_nan(b)) ? __int_as_float(0x7fffffff) : fmaxf(a, b);
}

// ---------------------------------------------------------------- warp reductions

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max_nan(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = max_nan(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// ---------------------------------------------------------------- block reductions

// The operations of block_reduce: a warp reduction and its identity.
struct SumOp {
    static __device__ __forceinline__ float warp(float v) { return warp_sum(v); }
    static __device__ __forceinline__ float identity() { return 0.0f; }
};

// max that propagates NaN: a NaN anywhere in the group makes the result NaN.
struct MaxNanOp {
    static __device__ __forceinline__ float warp(float v) { return warp_max_nan(v); }
    static __device__ __forceinline__ float identity() { return -INFINITY; }
};

// Reduces v over THREADS threads with Op: one warp (THREADS == 32; red unused, may be null), or
// the whole block of THREADS threads (a multiple of 32, at most 1024) through red[THREADS / 32]
// in shared memory. Each warp reduces its values by xor butterfly, then every warp reduces the
// warp partials the same way (lane w reads warp w's; the identity past the last warp): the
// association order is fixed, and since every step combines a pair with a commutative operation,
// every thread gets the same bits, run after run. The trailing barrier lets red[] be reused at once.
template <int THREADS, typename Op>
__device__ __forceinline__ float block_reduce(float v, float* red) {
    static_assert(THREADS % 32 == 0 && THREADS <= 1024, "THREADS: whole warps, at most 32 of them");
    v = Op::warp(v);
    if (THREADS == 32) return v;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) red[warp] = v;
    __syncthreads();
    v = Op::warp(lane < THREADS / 32 ? red[lane] : Op::identity());
    __syncthreads();
    return v;
}

// ---------------------------------------------------------------- the ordering rule

// True when (a at index ia) comes before (b at index ib) in the top-K / gating order: a larger
// value first, NaN above everything, equal values (NaN with NaN, -0.0 with 0.0) by lower index.
__device__ __forceinline__ bool before(float a, long long ia, float b, long long ib) {
    bool na = is_nan(a), nb = is_nan(b);
    if (na || nb) return na && (!nb || ia < ib);
    return a > b || (a == b && ia < ib);
}

// A 32-bit key whose unsigned order is the value order of the rule: NaN highest, -0.0 == 0.0.
// Every key of a real value is >= 0x007fffff (the key of -inf), so 0 can pad a sorted list.
__device__ __forceinline__ uint32_t order_key(float x) {
    if (is_nan(x)) return 0xffffffffu;
    if (x == 0.0f) x = 0.0f;  // -0.0 -> +0.0
    uint32_t u = __float_as_uint(x);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// A 64-bit sort key over one row: value order first, then the lower index first. All keys of a
// row are distinct and nonzero; larger key = earlier in the output.
__device__ __forceinline__ u64 rank_key(float x, uint32_t index) {
    return ((u64)order_key(x) << 32) | (u64)(~index);
}

__device__ __forceinline__ uint32_t rank_key_index(u64 key) { return ~(uint32_t)key; }

// ---------------------------------------------------------------- async copies and tensor cores

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
    return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

#ifndef PANAMAX_EMU

// 16-byte global -> shared copy; when !pred nothing is read and the 16 bytes are zero-filled.
__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool pred) {
    int bytes = pred ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes) : "memory");
}

__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }

template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory"); }

__device__ __forceinline__ void cp_async_wait_all() { asm volatile("cp.async.wait_all;\n" ::: "memory"); }

// 16 bytes to a 16-byte aligned shared address.
__device__ __forceinline__ void st_shared16(uint32_t dst, const uint4& v) {
    asm volatile("st.shared.v4.u32 [%0], {%1, %2, %3, %4};\n" ::"r"(dst), "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w)
                 : "memory");
}

__device__ __forceinline__ void ldmatrix_x4(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr));
}

__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr));
}

#define PX_MMA_16816(type, d, a, b0, b1)                                                                        \
    asm("mma.sync.aligned.m16n8k16.row.col.f32." type "." type ".f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, " \
        "{%0, %1, %2, %3};\n"                                                                                   \
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                                                        \
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1))

#else  // PANAMAX_EMU: the emulator's twins (java/src/test/native/cuda/emu/emu_api.h)

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool pred) {
    px_emu_cp_async16(dst, src, pred ? 16 : 0, __FILE__, __LINE__);
}
__device__ __forceinline__ void cp_async_commit() { px_emu_cp_async_commit(); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { px_emu_cp_async_wait(N); }
__device__ __forceinline__ void cp_async_wait_all() { px_emu_cp_async_wait(-1); }
__device__ __forceinline__ void st_shared16(uint32_t dst, const uint4& v) {
    memcpy(px_emu_shared_ptr(dst, 16, 16, __FILE__, __LINE__), &v, 16);
}
__device__ __forceinline__ void ldmatrix_x4(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
    uint32_t r[4];
    px_emu_ldmatrix_x4(addr, 0, r, __FILE__, __LINE__);
    r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
    uint32_t r[4];
    px_emu_ldmatrix_x4(addr, 1, r, __FILE__, __LINE__);
    r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
}
#define PX_MMA_16816(type, d, a, b0, b1) \
    px_emu_mma_m16n8k16(type[0] == 'b' ? 0 : 1, d, a, b0, b1, __FILE__, __LINE__)

#endif  // PANAMAX_EMU

// One 16-byte chunk of 8 16-bit elements into shared memory at dst, zeros where there is no data:
// src is the chunk's first element, or nullptr when none of it exists, and `valid` says how many of
// its 8 elements exist. vec: src is 16-byte aligned and a chunk is wholly in or out (the row length
// is a multiple of 8), so one cp.async with zero fill does it (`any`: a readable address for the
// zero fill); else 8 scalar loads and one 16-byte shared store. The GEMM and attention tile loaders
// all fill their stages through this.
template <typename T>
__device__ __forceinline__ void chunk16_to_shared(uint32_t dst, const T* src, i64 valid, bool vec, const void* any) {
    if (vec) {
        const bool in = src != nullptr && valid > 0;
        cp_async16(dst, in ? (const void*)src : any, in);
    } else {
        uint4 raw;
        T* e = reinterpret_cast<T*>(&raw);
#pragma unroll
        for (int j = 0; j < 8; j++) e[j] = (src != nullptr && j < valid) ? src[j] : from_f32<T>(0.0f);
        st_shared16(dst, raw);
    }
}

// d += a * b for one m16n8k16 tile: a row-major (4 regs), b column-major (2 regs), d F32 (4 regs).
// Fragment layout (g = lane / 4, t = lane % 4): a0 = A[g][2t..2t+1], a1 = A[g+8][2t..],
// a2 = A[g][2t+8..], a3 = A[g+8][2t+8..]; b0 = B[2t..2t+1][g], b1 = B[2t+8..][g];
// d0, d1 = D[g][2t..2t+1], d2, d3 = D[g+8][2t..2t+1].
template <typename T> struct Mma;

template <> struct Mma<__nv_bfloat16> {
    static __device__ __forceinline__ void run(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
        PX_MMA_16816("bf16", d, a, b0, b1);
    }
    // Two floats rounded to a packed pair, the lower address (lower column) in the low half.
    static __device__ __forceinline__ uint32_t pack(float lo, float hi) {
        __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
        return *reinterpret_cast<uint32_t*>(&v);
    }
};

template <> struct Mma<__half> {
    static __device__ __forceinline__ void run(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
        PX_MMA_16816("f16", d, a, b0, b1);
    }
    static __device__ __forceinline__ uint32_t pack(float lo, float hi) {
        __half2 v = __floats2half2_rn(lo, hi);
        return *reinterpret_cast<uint32_t*>(&v);
    }
};

}  // namespace px
