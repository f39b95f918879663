// permute: out [d_0, ..., d_{r-1}] (contiguous) = x with its axes reordered, bit for bit, in the
// merged form the host makes (dimensions that stay adjacent and in order moved as one, at most 8)
// and in units of 1, 2, 4, 8 or 16 bytes (CudaPermute, GpuWork.PermuteUnits): a run of out that is
// contiguous in x too (a row of D of [B, S, H, D] -> [B, H, S, D]) moves in the largest unit that
// divides its bytes and both base addresses' alignment (16-byte uint4 loads and stores for D = 128
// F32 at aligned addresses: the host reads the device addresses, so a view at an odd offset gets
// a smaller unit), and when the last dimension moves the unit is one element.
// Kernels, one per unit (no dtype: only the bits move): permute_u1, permute_u2, permute_u4,
// permute_u8, permute_u16.
// Mapping: 256-thread blocks, one thread per unit of out, so that a warp writes (and, along a run,
// reads) 32 neighbouring units; units are grid-strided (64-bit), so any grid covers any count.
// A unit's x offset is its out index decomposed over the merged sizes, innermost first, each
// coordinate times x's stride along it; in 32-bit arithmetic when the count fits (the divisions
// are the kernel's only real work), else 64-bit.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kThreads = 256;

template <typename I>
__device__ __forceinline__ i64 permute_source(I t, const I (&sizes)[8], const I (&strides)[8], int rank) {
    I offset = 0;
#pragma unroll
    for (int j = 0; j < 8; j++) {
        if (j < rank) {
            const I q = t / sizes[j];
            offset += (t - q * sizes[j]) * strides[j];
            t = q;
        }
    }
    return (i64)offset;
}

template <typename U, typename I>
__device__ void permute_loop(const PermuteParams& p) {
    const U* x = reinterpret_cast<const U*>(p.x);
    U* out = reinterpret_cast<U*>(p.out);
    const I sizes[8] = {(I)p.size0, (I)p.size1, (I)p.size2, (I)p.size3, (I)p.size4, (I)p.size5, (I)p.size6, (I)p.size7};
    const I strides[8] = {(I)p.stride0, (I)p.stride1, (I)p.stride2, (I)p.stride3,
                          (I)p.stride4, (I)p.stride5, (I)p.stride6, (I)p.stride7};
    const I count = (I)p.count;
    const I step = (I)gridDim.x * kThreads;
    // t + step may wrap in 32 bits only past 2^32 - 1: the 32-bit path is taken below 2^31 units.
    for (I t = (I)blockIdx.x * kThreads + threadIdx.x; t < count; t += step) {
        out[t] = x[permute_source<I>(t, sizes, strides, p.rank)];
    }
}

template <typename U>
__device__ void permute_body(const PermuteParams& p) {
    // Every x offset is below x's size, which is the count: 32 bits hold them all below 2^31.
    if (p.count < (i64(1) << 31)) {
        permute_loop<U, unsigned>(p);
    } else {
        permute_loop<U, unsigned long long>(p);
    }
}

}  // namespace

#define PX_PERMUTE(suffix, U)                                                                     \
    extern "C" __global__ void __launch_bounds__(kThreads) permute_##suffix(const PermuteParams p) { \
        permute_body<U>(p);                                                                       \
    }

PX_PERMUTE(u1, unsigned char)
PX_PERMUTE(u2, unsigned short)
PX_PERMUTE(u4, unsigned int)
PX_PERMUTE(u8, unsigned long long)
PX_PERMUTE(u16, uint4)
