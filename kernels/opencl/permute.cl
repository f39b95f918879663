// permute: out [d_0, ..., d_{r-1}] (contiguous) = x with its axes reordered, bit for bit, in the
// merged form the host makes (dimensions that stay adjacent and in order moved as one, at most 8)
// and in units of 1, 2, 4, 8 or 16 bytes: a run of out that is contiguous in x too (a row of D of
// [B, S, H, D] -> [B, H, S, D]) moves in the largest unit that divides it (16 bytes for D = 128
// F32), and when the last dimension moves the unit is one element.
// Variants, one per unit (no dtype: only the bits move): permute_u1, permute_u2, permute_u4,
// permute_u8, permute_u16.
// Mapping: one work-item per unit of out, so that neighbouring work-items write (and, along a run,
// read) neighbouring units; a 2-D grid of work-groups (GROUP_SIZE, 1) whose groups along
// dimension 1 stride over the units (64-bit), so any number of groups (the host caps them at
// 65535, tests at 2) covers any count. The unit's x offset is its out index decomposed over the
// merged sizes (innermost first), each coordinate times x's stride along it; the loop stops at
// the first dimension past the index's highest non-zero coordinate. Buffers are always aligned
// (ClArgs binds a sub-buffer or a staged copy of a view), so a unit is always a plain load.
#include "common.h"
#include "params.h"

inline ulong permute_count(const PermuteParams *p) {
    return p->size0 * p->size1 * p->size2 * p->size3 * p->size4 * p->size5 * p->size6 * p->size7;
}

// x's offset (in units) of out's unit t.
inline ulong permute_source(ulong t, const PermuteParams *p) {
    const ulong sizes[8] = {p->size0, p->size1, p->size2, p->size3, p->size4, p->size5, p->size6, p->size7};
    const ulong strides[8] = {p->stride0, p->stride1, p->stride2, p->stride3, p->stride4, p->stride5, p->stride6, p->stride7};
    ulong offset = 0;
    for (int j = 0; j < 8 && t != 0; j++) {
        const ulong q = t / sizes[j];
        offset += (t - q * sizes[j]) * strides[j];
        t = q;
    }
    return offset;
}

#define PX_PERMUTE(suffix, unit_t)                                                                              \
    __kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))                                            \
    void permute_##suffix(const __global unit_t *x, __global unit_t *out, const PermuteParams p) {              \
        const ulong count = permute_count(&p);                                                                  \
        const ulong step = (ulong) get_num_groups(1) * GROUP_SIZE;                                              \
        for (ulong t = (ulong) get_group_id(1) * GROUP_SIZE + get_local_id(0); t < count; t += step) {         \
            out[t] = x[permute_source(t, &p)];                                                                  \
        }                                                                                                       \
    }

PX_PERMUTE(u1, uchar)
PX_PERMUTE(u2, ushort)
PX_PERMUTE(u4, uint)
PX_PERMUTE(u8, ulong)
PX_PERMUTE(u16, uint4)
