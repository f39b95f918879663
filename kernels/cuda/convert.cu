// Conversion between floating-point dtypes: dst[i] = round(src[i]) for i in [0, count), flat.
// Rounding to nearest even through the cuda_fp16.h / cuda_bf16.h intrinsics; 16 -> 16 bit goes
// through F32, which holds every F16 and BF16 value exactly, so it rounds once.
// Variants (one per pair, chosen by the Java side from the two dtypes):
//   convert_<from>_<to>  8 elements per thread step, 16-byte accesses on aligned full groups,
//                        a scalar tail; grid-stride over groups of 8 (64-bit indices).
//   convert_copy         from == to: a byte copy, 16 bytes per thread step, a scalar tail.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kGroup = 8;

template <typename From, typename To>
__device__ __forceinline__ void convert_group_vector(const From* s, To* d) {
    float v[kGroup];
    if (sizeof(From) == 4) {
        px::load16(s, v);
        px::load16(s + 4, v + 4);
    } else {
        px::load16(s, v);
    }
    if (sizeof(To) == 4) {
        px::store16(d, v);
        px::store16(d + 4, v + 4);
    } else {
        px::store16(d, v);
    }
}

template <typename From, typename To>
__device__ void convert_body(const ConvertParams& p) {
    const From* src = reinterpret_cast<const From*>(p.src);
    To* dst = reinterpret_cast<To*>(p.dst);
    const i64 count = p.count;
    const i64 groups = (count + kGroup - 1) / kGroup;
    const bool vector = px::aligned16(src) && px::aligned16(dst);
    const i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 g = (i64)blockIdx.x * blockDim.x + threadIdx.x; g < groups; g += stride) {
        const i64 base = g * kGroup;
        if (vector && base + kGroup <= count) {
            convert_group_vector<From, To>(src + base, dst + base);
        } else {
            for (int i = 0; i < kGroup && base + i < count; i++) {
                dst[base + i] = px::from_f32<To>(px::to_f32(src[base + i]));
            }
        }
    }
}

}  // namespace

#define PX_CONVERT(name, From, To) \
    extern "C" __global__ void __launch_bounds__(256) name(const ConvertParams p) { convert_body<From, To>(p); }

PX_CONVERT(convert_f32_f16, float, __half)
PX_CONVERT(convert_f32_bf16, float, __nv_bfloat16)
PX_CONVERT(convert_f16_f32, __half, float)
PX_CONVERT(convert_bf16_f32, __nv_bfloat16, float)
PX_CONVERT(convert_f16_bf16, __half, __nv_bfloat16)
PX_CONVERT(convert_bf16_f16, __nv_bfloat16, __half)

extern "C" __global__ void __launch_bounds__(256) convert_copy(const ConvertParams p) {
    const unsigned char* src = reinterpret_cast<const unsigned char*>(p.src);
    unsigned char* dst = reinterpret_cast<unsigned char*>(p.dst);
    const i64 bytes = p.count;
    const i64 groups = (bytes + 15) / 16;
    const bool vector = px::aligned16(src) && px::aligned16(dst);
    const i64 stride = (i64)gridDim.x * blockDim.x;
    for (i64 g = (i64)blockIdx.x * blockDim.x + threadIdx.x; g < groups; g += stride) {
        const i64 base = g * 16;
        if (vector && base + 16 <= bytes) {
            *reinterpret_cast<uint4*>(dst + base) = *reinterpret_cast<const uint4*>(src + base);
        } else {
            for (int i = 0; i < 16 && base + i < bytes; i++) dst[base + i] = src[base + i];
        }
    }
}
