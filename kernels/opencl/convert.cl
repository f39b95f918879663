// Conversions between F32, F16 and BF16: dst[i] = convert(src[i]) for i in [0, count), rounding
// to nearest even, NaN kept (quieted), infinities and signed zeros kept, F16 subnormals exact.
//
// Variants, one per (source, destination) pair: convert_f32_to_f16, convert_f32_to_bf16,
// convert_f16_to_f32, convert_bf16_to_f32, convert_f16_to_bf16, convert_bf16_to_f16. Each
// work-item converts elements get_global_id(0) + k * get_global_size(0) (a grid-stride loop over
// 64-bit indices), so the host launches a bounded grid for any count and loads stay coalesced.
#include "common.h"

#define CONVERT_KERNEL(NAME, SRC_T, LOAD, DST_T, STORE)                                        \
    __kernel void NAME(const __global SRC_T *src, __global DST_T *dst, const ulong count) {      \
        for (ulong i = get_global_id(0); i < count; i += get_global_size(0)) {                   \
            STORE(dst, i, LOAD(src, i));                                                         \
        }                                                                                        \
    }

CONVERT_KERNEL(convert_f32_to_f16, float, LOAD_F32, ushort, STORE_F16)
CONVERT_KERNEL(convert_f32_to_bf16, float, LOAD_F32, ushort, STORE_BF16)
CONVERT_KERNEL(convert_f16_to_f32, ushort, LOAD_F16, float, STORE_F32)
CONVERT_KERNEL(convert_bf16_to_f32, ushort, LOAD_BF16, float, STORE_F32)
CONVERT_KERNEL(convert_f16_to_bf16, ushort, LOAD_F16, ushort, STORE_BF16)
CONVERT_KERNEL(convert_bf16_to_f16, ushort, LOAD_BF16, ushort, STORE_F16)
