// Rotary position embedding, in place: x [batch, heads, seq, dim] (ELEM_DTYPE), positions int
// [seq] (shared by every batch) or [batch, seq], inv float [pairs] (pairs = R / 2, 2 * pairs <= dim).
// Pair i of a row is the features (i, i + pairs) (rope_halves: Hugging Face Llama / GPT-NeoX) or
// (2i, 2i + 1) (rope_interleaved: GPT-J / Meta); with a = (float) position * inv[i], one F32
// product, and sincos(a) (full precision), (x1, x2) becomes (x1 cos a - x2 sin a,
// x1 sin a + x2 cos a) in F32, rounded once to ELEM_DTYPE. Features from 2 * pairs on are neither
// read nor written.
//
// Work item: one (b, s), a chunk of P pairs and a group of heads_per_item heads; it computes its P
// angles' sincos once and rotates those pairs in each head of the group. P is the pairs of one
// 16-byte chunk: CHUNK_ELEMS for rope_halves (a chunk from each half), half that for
// rope_interleaved; a whole chunk moves by load_chunk / store_chunk (16-byte vloads), a partial
// last chunk element by element. Items run chunk-fastest over a 2-D grid of (GROUP_SIZE, 1)
// work-groups, the groups along dimension 1 striding over them (64-bit), so any number of groups
// covers any number of items. The host picks heads_per_item (ClRope).
#include "common.h"
#include "params.h"

inline void rotate(float *x1, float *x2, float c, float s) {
    const float r1 = *x1 * c - *x2 * s;
    const float r2 = *x1 * s + *x2 * c;
    *x1 = r1;
    *x2 = r2;
}

inline void rope_body(__global elem_t *x, const __global int *positions, const __global float *inv, const RopeParams p,
                      const bool interleaved) {
    const uint per_chunk = interleaved ? CHUNK_ELEMS / 2 : CHUNK_ELEMS; // pairs per item
    const ulong chunks = (p.pairs + per_chunk - 1) / per_chunk;
    const ulong groups = (p.heads + p.heads_per_item - 1) / p.heads_per_item;
    const ulong stride = get_num_groups(1) * GROUP_SIZE;
    for (ulong item = get_group_id(1) * GROUP_SIZE + get_local_id(0); item < p.items; item += stride) {
        const ulong c = item % chunks;
        const ulong rest = item / chunks;
        const ulong g = rest % groups;
        const ulong bs = rest / groups; // b * seq + s
        const ulong b = bs / p.seq, s = bs - b * p.seq;
        const float position = (float) positions[p.positions_batched ? bs : s];
        const ulong i0 = c * per_chunk;
        const uint n = (uint) min((ulong) per_chunk, p.pairs - i0); // pairs of this chunk
        float cs[CHUNK_ELEMS], sn[CHUNK_ELEMS];
        for (uint k = 0; k < n; k++) {
            sn[k] = sincos(position * inv[i0 + k], &cs[k]);
        }
        const ulong h_end = min(p.heads, (g + 1) * p.heads_per_item);
        for (ulong h = g * p.heads_per_item; h < h_end; h++) {
            __global elem_t *row = x + ((b * p.heads + h) * p.seq + s) * p.dim;
            if (n == per_chunk && interleaved) {
                float v[CHUNK_ELEMS];
                load_chunk(row, 2 * i0, v);
                for (uint k = 0; k < per_chunk; k++) {
                    rotate(&v[2 * k], &v[2 * k + 1], cs[k], sn[k]);
                }
                store_chunk(row, 2 * i0, v);
            } else if (n == per_chunk) {
                float lo[CHUNK_ELEMS], hi[CHUNK_ELEMS];
                load_chunk(row, i0, lo);
                load_chunk(row, p.pairs + i0, hi);
                for (uint k = 0; k < per_chunk; k++) {
                    rotate(&lo[k], &hi[k], cs[k], sn[k]);
                }
                store_chunk(row, i0, lo);
                store_chunk(row, p.pairs + i0, hi);
            } else {
                for (uint k = 0; k < n; k++) {
                    const ulong j1 = interleaved ? 2 * (i0 + k) : i0 + k;
                    const ulong j2 = interleaved ? j1 + 1 : j1 + p.pairs;
                    float x1 = load_elem(row, j1), x2 = load_elem(row, j2);
                    rotate(&x1, &x2, cs[k], sn[k]);
                    store_elem(row, j1, x1);
                    store_elem(row, j2, x2);
                }
            }
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void rope_halves(__global elem_t *x, const __global int *positions, const __global float *inv, const RopeParams p) {
    rope_body(x, positions, inv, p, false);
}

__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void rope_interleaved(__global elem_t *x, const __global int *positions, const __global float *inv, const RopeParams p) {
    rope_body(x, positions, inv, p, true);
}
