// The CUDA device language, enough of it for kernels/cuda, on the host: the emulator's build
// (build.sh) force-includes this header when it compiles each kernels/cuda/*.cu with the system C++
// compiler and -DPANAMAX_EMU. Every CUDA thread of a block becomes a fiber of emu_runtime.cpp;
// warp collectives (shuffles, ldmatrix, mma.sync) meet all live lanes of the warp, __syncthreads
// meets the block. What the kernels write as inline PTX has an emulated twin in common.cuh
// under PANAMAX_EMU.
//
// Not modelled: timing, the memory model beyond barriers, approximate PTX math (expf here is
// the C library's, more accurate than the GPU's), bank conflicts, occupancy.
#pragma once
#ifndef PANAMAX_EMU
#error "cuda_emu.h is the host emulator's shim: compile with -DPANAMAX_EMU"
#endif

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emu_api.h"
#include "emu_half.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// A block's static shared memory: one block runs at a time on each emulator worker thread, and a
// block-scope thread_local is a static of that worker.
#define __shared__ thread_local
#define __restrict__ __restrict
// The emulator stands for an sm_90a build (what the driver double reports: compute capability 9.0),
// so that gemm_wgmma.cu compiles its wgmma body too.
#define __CUDA_ARCH__ 900
#define __CUDA_ARCH_FEAT_SM90_ALL 1

#define threadIdx (px_emu_ctx()->threadIdx)
#define blockIdx (px_emu_ctx()->blockIdx)
#define blockDim (px_emu_ctx()->blockDim)
#define gridDim (px_emu_ctx()->gridDim)
#define warpSize 32

#define __syncthreads() px_emu_sync_block(__FILE__, __LINE__)
#define __trap() px_emu_trap(__FILE__, __LINE__)
#define __cvta_generic_to_shared(p) px_emu_shared_addr((p), __FILE__, __LINE__)

// ---------------------------------------------------------------- vector types

struct __align__(8) float2 { float x, y; };
struct __align__(16) float4 { float x, y, z, w; };
struct __align__(16) uint4 { unsigned x, y, z, w; };
static inline float2 make_float2(float x, float y) { return float2{x, y}; }
static inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

// ---------------------------------------------------------------- bit casts and integer helpers

static inline float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
static inline unsigned __float_as_uint(float f) { unsigned v; memcpy(&v, &f, 4); return v; }

// CUDA's min/max overloads (the device headers give one per arithmetic type).
#define PX_EMU_MINMAX(T)                                   \
    static inline T min(T a, T b) { return a < b ? a : b; } \
    static inline T max(T a, T b) { return a > b ? a : b; }
PX_EMU_MINMAX(int)
PX_EMU_MINMAX(unsigned)
PX_EMU_MINMAX(long)
PX_EMU_MINMAX(unsigned long)
PX_EMU_MINMAX(long long)
PX_EMU_MINMAX(unsigned long long)
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
#undef PX_EMU_MINMAX

// The fast-math intrinsics, as the host's exact operations (the GPU's are within 2 ulp).
static inline float __fdividef(float a, float b) { return a / b; }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }

// The IEEE round-to-nearest intrinsics (the host's operations: no fused multiply-add, no flush of
// subnormals), F32 to int rounding half to even (rintf in the default rounding mode) and dp4a.
static inline float __fdiv_rn(float a, float b) { return a / b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline int __float2int_rn(float f) { return (int)rintf(f); }
static inline int __dp4a(int a, int b, int c) {
    for (int i = 0; i < 4; i++) c += (int)(int8_t)(a >> (8 * i)) * (int)(int8_t)(b >> (8 * i));
    return c;
}


// ---------------------------------------------------------------- 16-bit floats

struct __align__(2) __half {
    uint16_t __x;
};
struct __align__(2) __nv_bfloat16 {
    uint16_t __x;
};
struct __align__(4) __half2 {
    __half x, y;
};
struct __align__(4) __nv_bfloat162 {
    __nv_bfloat16 x, y;
};

static inline float __half2float(__half h) { return px_emu_f16_to_f32(h.__x); }
static inline __half __float2half_rn(float f) { return __half{px_emu_f32_to_f16(f)}; }
static inline float __bfloat162float(__nv_bfloat16 h) { return px_emu_bf16_to_f32(h.__x); }
static inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16{px_emu_f32_to_bf16(f)}; }
static inline __half2 __floats2half2_rn(float lo, float hi) { return __half2{__float2half_rn(lo), __float2half_rn(hi)}; }
static inline __nv_bfloat162 __floats2bfloat162_rn(float lo, float hi) {
    return __nv_bfloat162{__float2bfloat16_rn(lo), __float2bfloat16_rn(hi)};
}

// ---------------------------------------------------------------- warp shuffles

template <typename T>
static inline T px_emu_shfl_t(uint32_t mask, T v, int arg, int width, int mode, const char* file, int line) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "shuffles move 32 or 64 bits");
    uint32_t w[2] = {0, 0};
    memcpy(w, &v, sizeof(T));
    for (size_t i = 0; i < sizeof(T) / 4; i++) w[i] = px_emu_shfl(mask, w[i], arg, width, mode, file, line);
    T r;
    memcpy(&r, w, sizeof(T));
    return r;
}
#define __shfl_sync(mask, v, lane, ...) px_emu_shfl_t((mask), (v), (lane), px_emu_width(__VA_ARGS__), 0, __FILE__, __LINE__)
#define __shfl_xor_sync(mask, v, m, ...) px_emu_shfl_t((mask), (v), (m), px_emu_width(__VA_ARGS__), 1, __FILE__, __LINE__)
static inline int px_emu_width(int w = 32) { return w; }

// ---------------------------------------------------------------- kernel registration

// build.sh appends PX_EMU_KERNEL(name) for every extern "C" kernel of a source: the driver double
// finds it by name, and calls it with its one struct parameter (copied out of params[0]).
template <typename P>
static inline void px_emu_invoke(void (*k)(P), void** params) {
    P copy;
    memcpy((void*)&copy, params[0], sizeof(P));
    k(copy);
}
static inline void px_emu_invoke(void (*k)(), void**) { k(); }
template <typename P>
static constexpr int px_emu_param_bytes(void (*)(P)) { return (int)sizeof(P); }
static constexpr int px_emu_param_bytes(void (*)()) { return 0; }
#define PX_EMU_KERNEL(name)                                                                \
    static void px_emu_call_##name(void** params) { px_emu_invoke(&name, params); }        \
    __attribute__((constructor)) static void px_emu_register_##name() {                    \
        px_emu_register(#name, &px_emu_call_##name, px_emu_param_bytes(&name));             \
    }
