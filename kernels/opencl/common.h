// Shared by every Panamax OpenCL kernel (OpenCL C 1.2, no extension required).
//
// - The 16-bit formats as raw ushort bits, converted in the kernel with round to nearest even:
//   F16 (IEEE binary16) and BF16 (the upper half of a binary32). NaN stays NaN (quieted),
//   infinities and signed zeros are kept, F16 subnormals are exact both ways. Where the device
//   has cl_khr_fp16 the host defines PANAMAX_NATIVE_HALF and F16 goes through vload_half /
//   vstore_half_rte, which the hardware converts.
// - The dtype macros: the host builds each program with ELEM_DTYPE (the op's input dtype) and,
//   for ops whose output dtype may differ (GEMM's c), OUT_DTYPE, each one of DT_F32, DT_F16,
//   DT_BF16. They define elem_t/out_t (the storage type: float or ushort) and load_elem/
//   store_elem, load_out/store_out, which read and write one element as float at a 64-bit index.
// - order_key: the shared top-K ordering rule as one 64-bit unsigned key.
// - SEGMENT_REDUCE: the one work-group tree reduction (softmax's and gating's row statistics,
//   gating's best key), folding per-work-item entries of local arrays in a fixed order.
// The kernels' parameter structs are not here but in params.h, each pinned to its Java layout.
#ifndef PANAMAX_COMMON_H
#define PANAMAX_COMMON_H

#define DT_F32 0
#define DT_F16 1
#define DT_BF16 2

// Every kernel runs with work-groups of this many work-items (the host checks the device allows it).
#define GROUP_SIZE 256

inline float bf16_to_float(ushort h) {
    return as_float((uint) h << 16);
}

inline ushort float_to_bf16(float f) {
    uint b = as_uint(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) {
        return (ushort) ((b >> 16) | 0x0040u); // NaN: keep sign and top payload, force quiet
    }
    return (ushort) ((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

inline float f16_to_float(ushort h) {
    uint sign = ((uint) h & 0x8000u) << 16;
    uint exponent = ((uint) h >> 10) & 0x1fu;
    uint mantissa = (uint) h & 0x3ffu;
    if (exponent == 0x1fu) {
        return as_float(sign | 0x7f800000u | (mantissa << 13)); // infinity or NaN (payload kept)
    }
    if (exponent == 0u) {
        float magnitude = (float) mantissa * 0x1p-24f; // zero or subnormal: mantissa * 2^-24, exact
        return as_float(sign | as_uint(magnitude));
    }
    return as_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

inline ushort float_to_f16(float f) {
    uint b = as_uint(f);
    uint sign = (b >> 16) & 0x8000u;
    uint a = b & 0x7fffffffu;
    if (a > 0x7f800000u) {
        return (ushort) (sign | 0x7e00u | ((a >> 13) & 0x3ffu)); // NaN: quiet, top payload bits
    }
    if (a >= 0x477ff000u) {
        return (ushort) (sign | 0x7c00u); // at or past 65520 (halfway above 65504) rounds to infinity
    }
    if (a >= 0x38800000u) {
        // Normal in F16: rebias the exponent (127 -> 15) and round 23 mantissa bits to 10; a carry
        // out of the mantissa correctly bumps the exponent.
        uint r = a - 0x38000000u;
        return (ushort) (sign | ((r + 0x0fffu + ((r >> 13) & 1u)) >> 13));
    }
    if (a <= 0x33000000u) {
        return (ushort) sign; // at most 2^-25 (half the smallest subnormal, a tie to even): zero
    }
    // Subnormal in F16: the value in units of 2^-24 is m * 2^(e - 126), m with its implicit bit.
    uint e = a >> 23;
    uint m = (a & 0x7fffffu) | 0x800000u;
    uint shift = 126u - e; // 14 to 24
    uint r = m >> shift;
    uint rest = m & ((1u << shift) - 1u);
    uint half_unit = 1u << (shift - 1u);
    r += (rest > half_unit || (rest == half_unit && (r & 1u))) ? 1u : 0u;
    return (ushort) (sign | r);
}

#ifdef PANAMAX_NATIVE_HALF
#define LOAD_F16(p, i) vload_half((i), (const __global half *) (p))
#define STORE_F16(p, i, v) vstore_half_rte((v), (i), (__global half *) (p))
#else
#define LOAD_F16(p, i) f16_to_float((p)[i])
#define STORE_F16(p, i, v) ((p)[i] = float_to_f16(v))
#endif
#define LOAD_BF16(p, i) bf16_to_float((p)[i])
#define STORE_BF16(p, i, v) ((p)[i] = float_to_bf16(v))
#define LOAD_F32(p, i) ((p)[i])
#define STORE_F32(p, i, v) ((p)[i] = (v))

#if defined(ELEM_DTYPE)
#if ELEM_DTYPE == DT_F32
typedef float elem_t;
#define load_elem(p, i) LOAD_F32(p, i)
#define store_elem(p, i, v) STORE_F32(p, i, v)
#elif ELEM_DTYPE == DT_F16
typedef ushort elem_t;
#define load_elem(p, i) LOAD_F16(p, i)
#define store_elem(p, i, v) STORE_F16(p, i, v)
#elif ELEM_DTYPE == DT_BF16
typedef ushort elem_t;
#define load_elem(p, i) LOAD_BF16(p, i)
#define store_elem(p, i, v) STORE_BF16(p, i, v)
#else
#error "ELEM_DTYPE must be DT_F32, DT_F16 or DT_BF16"
#endif
#endif

#if defined(OUT_DTYPE)
#if OUT_DTYPE == DT_F32
typedef float out_t;
#define load_out(p, i) LOAD_F32(p, i)
#define store_out(p, i, v) STORE_F32(p, i, v)
#elif OUT_DTYPE == DT_F16
typedef ushort out_t;
#define load_out(p, i) LOAD_F16(p, i)
#define store_out(p, i, v) STORE_F16(p, i, v)
#elif OUT_DTYPE == DT_BF16
typedef ushort out_t;
#define load_out(p, i) LOAD_BF16(p, i)
#define store_out(p, i, v) STORE_BF16(p, i, v)
#else
#error "OUT_DTYPE must be DT_F32, DT_F16 or DT_BF16"
#endif
#endif

// The top-K ordering rule as one unsigned 64-bit key, larger first: the upper 32 bits order the
// values (NaN above +inf, -0.0 equal to 0.0), the lower 32 bits are 0xffffffff - index, so that
// among equal values the lower index has the larger key. Every key of a real element is at least
// 0x007fffff00000000 (-inf at the last index), so 0 can mark "no element".
inline ulong order_key(float v, uint index) {
    uint bits = as_uint(v);
    uint key;
    if (isnan(v)) {
        key = 0xffffffffu;
    } else {
        bits = v == 0.0f ? 0u : bits;
        key = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    }
    return ((ulong) key << 32) | (ulong) (0xffffffffu - index);
}

inline uint key_index(ulong key) {
    return 0xffffffffu - (uint) key;
}

// The tree reduction of a segment of `width` work-items (a power of two, 1 to GROUP_SIZE, lane =
// lid & (width - 1)): each holds one entry of the caller's __local arrays (entry lid), and the
// segment folds them into its head's entry (lid - lane), halving the folding lanes each step.
// FOLD(to, from) folds entry `from` into entry `to`; every caller gets the same order of folds
// (lane + stride into lane, stride = width / 2 down to 1), so results are reproducible. The
// entries must be written, and a barrier passed, before; every work-item of the group must run it
// (a barrier ends each step, the last included, so the head's entry may be read right after).
#define SEGMENT_REDUCE(lid, lane, width, FOLD)                                                 \
    for (uint segment_stride = (width) >> 1; segment_stride > 0; segment_stride >>= 1) {      \
        if ((lane) < segment_stride) {                                                         \
            FOLD((lid), (lid) + segment_stride);                                               \
        }                                                                                      \
        barrier(CLK_LOCAL_MEM_FENCE);                                                          \
    }

// ---------------------------------------------------------------- 16-byte chunks (rope.cl)
// CHUNK_ELEMS elements of ELEM_DTYPE fill 16 bytes. load_chunk widens the CHUNK_ELEMS elements at
// p[i..] into v[0..CHUNK_ELEMS), store_chunk rounds v back into them (as load_elem / store_elem
// do one element): one vload / vstore of 16 bytes, which needs only the element's alignment.
#if defined(ELEM_DTYPE)
#if ELEM_DTYPE == DT_F32
#define CHUNK_ELEMS 4
inline void load_chunk(const __global float *p, ulong i, float *v) {
    vstore4(vload4(0, p + i), 0, v);
}
inline void store_chunk(__global float *p, ulong i, const float *v) {
    vstore4(vload4(0, v), 0, p + i);
}
#else
#define CHUNK_ELEMS 8
inline void load_chunk(const __global ushort *p, ulong i, float *v) {
#if ELEM_DTYPE == DT_F16 && defined(PANAMAX_NATIVE_HALF)
    vstore8(vload_half8(0, (const __global half *) (p + i)), 0, v);
#elif ELEM_DTYPE == DT_BF16
    vstore8(as_float8(convert_uint8(vload8(0, p + i)) << 16), 0, v); // exact, lane by lane as bf16_to_float
#else
    ushort e[8];
    vstore8(vload8(0, p + i), 0, e);
    for (int k = 0; k < 8; k++) {
        v[k] = load_elem(e, k);
    }
#endif
}
inline void store_chunk(__global ushort *p, ulong i, const float *v) {
#if ELEM_DTYPE == DT_F16 && defined(PANAMAX_NATIVE_HALF)
    vstore_half8_rte(vload8(0, v), 0, (__global half *) (p + i));
#elif ELEM_DTYPE == DT_BF16
    // float_to_bf16 lane by lane: round to nearest even, NaN kept quiet with its top payload
    const uint8 b = as_uint8(vload8(0, v));
    const uint8 rounded = (b + (uint8) 0x7fffu + ((b >> 16) & (uint8) 1u)) >> 16;
    const uint8 quiet = (b >> 16) | (uint8) 0x0040u;
    vstore8(convert_ushort8(select(rounded, quiet, as_uint8((b & (uint8) 0x7fffffffu) > (uint8) 0x7f800000u))), 0, p + i);
#else
    ushort e[8];
    for (int k = 0; k < 8; k++) {
        store_elem(e, k, v[k]);
    }
    vstore8(vload8(0, e), 0, p + i);
#endif
}
#endif
#endif

#endif
