// Float <-> bf16 / f16 bit conversions for the CUDA emulator: the shim's __half and __nv_bfloat16
// (cuda_emu.h) and the runtime's mma.sync (emu_runtime.cpp) share them.
#pragma once
#include <stdint.h>
#include <string.h>

static inline uint32_t px_emu_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float px_emu_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

// Round-to-nearest-even conversions, bit-exact with the hardware's cvt.rn (NaN stays NaN).
static inline uint16_t px_emu_f32_to_bf16(float f) {
    uint32_t u = px_emu_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}
static inline float px_emu_bf16_to_f32(uint16_t h) { return px_emu_float((uint32_t)h << 16); }

static inline uint16_t px_emu_f32_to_f16(float f) {
    uint32_t u = px_emu_bits(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    u &= 0x7fffffffu;
    if (u > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((u >> 13) & 0x3ffu));  // NaN, quiet
    if (u >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);  // rounds to >= 65520: inf
    if (u >= 0x38800000u) {                                   // normal half
        uint32_t r = u - 0x38000000u;                         // rebias 127 -> 15
        r += 0xfffu + ((r >> 13) & 1u);
        return (uint16_t)(sign | (r >> 13));
    }
    if (u < 0x33000000u) return (uint16_t)sign;  // below half the smallest subnormal: zero
    // Subnormal half: mantissa with the implicit bit, shifted right with round-to-nearest-even.
    const uint32_t e = u >> 23, m = (u & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (uint16_t)(sign | q);
}
static inline float px_emu_f16_to_f32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return px_emu_float(sign | 0x7f800000u | (m << 13));
    if (e == 0) {
        if (m == 0) return px_emu_float(sign);
        float v = (float)m * 5.9604644775390625e-8f;  // m * 2^-24, exact
        return sign ? -v : v;
    }
    return px_emu_float(sign | ((e + 112) << 23) | (m << 13));
}

