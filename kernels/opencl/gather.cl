// Rows moved by an I32 index, bit for bit (ELEM_DTYPE F32, F16 or BF16; only the NaN row depends on it):
//   embedding_rows:   table [vocab, width], ids [rows] -> out [rows, width]; out row r = table row
//                     ids[r], or a row of NaN when ids[r] is outside [0, vocab) (the table is not
//                     read then; it may be a NULL buffer when vocab is 0).
//   write_cache_rows: src [batch, heads, tokens, width] -> cache [batch, heads, capacity, width];
//                     src row (b, h, t) goes to cache row (b, h, starts[b] + t) when that is in
//                     [0, capacity), nowhere otherwise; the rest of the cache is not touched.
// Mapping: a 2-D grid of work-groups (GROUP_SIZE, 1); `lanes` work-items (a power of two, from the
// row's 16-byte chunks, up to GROUP_SIZE) share a row, so a work-group moves GROUP_SIZE / lanes
// rows at a time; the groups along dimension 1 stride over the rows (64-bit), so any number of
// groups (the host caps them at 65535, tests at 2) covers any number of rows. A row moves in
// 16-byte vloads / vstores of the raw bits (which need only the element's alignment), the last
// width % CHUNK elements one by one. Every index is bounds-checked before the row it names is
// read or written.
#include "common.h"
#include "params.h"

#if ELEM_DTYPE == DT_F32
typedef uint raw_t;
#define RAW_CHUNK 4
#define RAW_LOAD vload4
#define RAW_STORE vstore4
#define RAW_NAN 0x7fc00000u
#else
typedef ushort raw_t;
#define RAW_CHUNK 8
#define RAW_LOAD vload8
#define RAW_STORE vstore8
#if ELEM_DTYPE == DT_F16
#define RAW_NAN ((ushort) 0x7e00u)
#else
#define RAW_NAN ((ushort) 0x7fc0u)
#endif
#endif

// One row of `width` elements from src to dst, or NaN into dst when src is NULL; this work-item
// takes the chunks lane, lane + lanes, ... then the same of the tail elements.
inline void move_row(__global raw_t *dst, const __global raw_t *src, ulong width, uint lane, uint lanes) {
    const ulong chunks = width / RAW_CHUNK;
    for (ulong u = lane; u < chunks; u += lanes) {
        if (src) {
            RAW_STORE(RAW_LOAD(u, src), u, dst);
        } else {
            for (int k = 0; k < RAW_CHUNK; k++) {
                dst[u * RAW_CHUNK + k] = RAW_NAN;
            }
        }
    }
    for (ulong j = chunks * RAW_CHUNK + lane; j < width; j += lanes) {
        dst[j] = src ? src[j] : RAW_NAN;
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void embedding_rows(const __global raw_t *table, const __global int *ids, __global raw_t *out, const EmbeddingParams p) {
    const uint lid = get_local_id(0);
    const uint lane = lid & (p.lanes - 1);
    const ulong per_group = GROUP_SIZE / p.lanes;
    for (ulong r = get_group_id(1) * per_group + lid / p.lanes; r < p.rows; r += get_num_groups(1) * per_group) {
        const int id = ids[r];
        const __global raw_t *src = (id >= 0 && (ulong) id < p.vocab) ? table + (ulong) id * p.width : 0;
        move_row(out + r * p.width, src, p.width, lane, p.lanes);
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void write_cache_rows(const __global raw_t *src, __global raw_t *cache, const __global int *starts, const CacheParams p) {
    const uint lid = get_local_id(0);
    const uint lane = lid & (p.lanes - 1);
    const ulong per_group = GROUP_SIZE / p.lanes;
    for (ulong r = get_group_id(1) * per_group + lid / p.lanes; r < p.rows; r += get_num_groups(1) * per_group) {
        const ulong bh = r / p.tokens; // b * heads + h
        const long s = (long) starts[bh / p.heads] + (long) (r - bh * p.tokens);
        if (s >= 0 && (ulong) s < p.capacity) {
            move_row(cache + (bh * p.capacity + (ulong) s) * p.width, src + r * p.width, p.width, lane, p.lanes);
        }
    }
}
