// The MoE family: grouped GEMM and the mixture-of-experts SwiGLU layer (F32, F16, BF16 operands,
// F32 accumulation). The grouped GEMMs: F32 on the CUDA cores (*_f32, 256 threads per 64 x 64
// tile, 4 x 4 per thread); F16 and BF16 on tensor cores (*_mma_f16, *_mma_bf16: 128 threads, four
// warps of 32 x 32, mma.sync m16n8k16 with F32 accumulators, fragments read as 32-bit pairs from
// k-contiguous shared tiles of 32; element loads, no cp.async pipeline or ldmatrix yet, so the
// loads, not the tensor cores, bound them: gemm.cu's pipeline is the next step).
//
// grouped_matmul_*: x [rows, inner], w [groups, cols, inner] ([out, in]), ends I32 [groups] ->
//   out [rows, cols] of x's dtype. With e_g = ends[g] clamped to [0, rows] and s_g the largest e
//   before g (0 for g = 0), rows [s_g, e_g) are x · w[g]ᵀ; rows from the largest end on belong to
//   no group and get zeros. ends is read only on the device, whatever it holds.
// moe, four launches on the stream, no host round trip (at most 4 for a decode step):
//   moe_align:     one block, no atomics: a stable counting sort of the (token, slot) pairs by
//                  expert, 256 pairs at a time in pair order, each ranked among the earlier pairs
//                  of its chunk with the same expert; a first pass counts (the chunk's last pair of
//                  an expert adds the chunk's count), thread 0 prefix-sums the counts into
//                  group_ends, a second pass writes sorted_rows[row] = token and slot_of[pair] = row
//                  (-1 for an expert outside [0, E)).
//   moe_gate_up_*: the grouped GEMM of the gathered rows of x (through sorted_rows) against gate[e]
//                  and up[e] at once, silu(gate) * up stored to act [pairs, ffn] in x's dtype.
//   moe_down_*:    the grouped GEMM of act by down[e] into y [pairs, hidden] F32.
//   moe_combine_*: out[t] = sum over j in order of weights[t, j] · y[slot_of[t, j]] (one fma per
//                  slot, F32), rounded once; no atomics, so the bits never vary.
//   Decoding (pairs <= 16: a few tokens, each expert's weights read by a row or two): in place of
//   the two tiled GEMMs, moe_gate_up_rows_* and moe_down_rows_*, one warp per output element
//   (row, column) with 16-byte loads along the weight row, the row's expert found by a binary
//   search of group_ends; they stream each chosen expert's weights once per row instead of
//   staging 64-row tiles for one row. A decode step is still four launches.
// Tiles: 256 threads per 64 x 64 tile, 16 deep through static shared memory, each thread a 4 x 4
// block (rows ty + 16 i, columns tx + 16 j). The grid is 1-D over (row tile, column tile) pairs,
// where the row tiles are those of every group at once (at most ceil(rows / 64) + groups): a block
// finds its group by walking ends, so one launch runs every group, an empty group costs no tile,
// and the blocks grid-stride, so any grid covers any size.
#include "common.cuh"
#include "params.cuh"
#include "tiles.cuh"

namespace {

constexpr int kThreads = 256;
constexpr int kTile = 64;
constexpr int kTileK = 16;
constexpr int kSide = 16;
constexpr int kBlock = kTile / kSide;
constexpr int kLd = kTile + 1;

// The rows of row tile `tile`: [row0, min(row0 + kTile, row_end)), and its group; -1 for a tile of
// the rows no group covers, -2 past the last tile.
__device__ i64 find_tile(const int* ends, i64 groups, i64 rows, i64 tile, i64& row0, i64& row_end) {
    i64 start = 0, seen = 0;
    for (i64 g = 0; g < groups; g++) {
        const i64 e = ends[g];
        const i64 end = e < 0 ? 0 : (e > rows ? rows : e);
        if (end > start) {
            const i64 n = (end - start + kTile - 1) / kTile;
            if (tile < seen + n) {
                row0 = start + (tile - seen) * kTile;
                row_end = end;
                return g;
            }
            seen += n;
            start = end;
        }
    }
    const i64 n = (rows - start + kTile - 1) / kTile;
    if (tile < seen + n) {
        row0 = start + (tile - seen) * kTile;
        row_end = rows;
        return -1;
    }
    return -2;
}

// The work items of a grouped GEMM on a 1-D grid: (row tile, column tile) pairs, the row tiles
// those of every group (find_tile), at most ceil(rows / 64) + groups of them.
struct TileWalk {
    i64 rows, groups, col_tiles, total;
    __device__ TileWalk(i64 rows_, i64 cols, i64 groups_)
        : rows(rows_), groups(groups_), col_tiles((cols + kTile - 1) / kTile),
          total(((rows_ + kTile - 1) / kTile + groups_) * ((cols + kTile - 1) / kTile)) {}
    // Item t: its group as find_tile gives it, its rows and its first column.
    __device__ i64 at(i64 t, const int* ends, i64& row0, i64& row_end, i64& col0) const {
        const i64 row_tile = t / col_tiles;
        col0 = (t - row_tile * col_tiles) * kTile;
        row0 = 0;
        row_end = 0;
        return find_tile(ends, groups, rows, row_tile, row0, row_end);
    }
};

// acc0 += A · b0ᵀ (and acc1 += A · b1ᵀ when kTwo) over rows [row0, row_end) and the columns from
// col0; A's row r is row rows_of[r] of a (row r when rows_of is null); b0, b1 are [cols, inner].
template <typename T, bool kTwo>
__device__ void tile_product(const T* a, const int* rows_of, const T* b0, const T* b1, i64 row0, i64 row_end, i64 col0,
                             i64 cols, i64 inner, float* as, float* bs0, float* bs1, float (&acc0)[kBlock][kBlock],
                             float (&acc1)[kBlock][kBlock]) {
    const int tid = threadIdx.x, tx = tid % kSide, ty = tid / kSide;
    for (i64 k0 = 0; k0 < inner; k0 += kTileK) {
#pragma unroll
        for (int step = 0; step < kTile * kTileK / kThreads; step++) {
            const int l = tid + step * kThreads;
            const int mm = l / kTileK, kk = l % kTileK;  // both operands are contiguous along k
            const i64 gm = row0 + mm, gn = col0 + mm, gk = k0 + kk;
            float v = 0.0f, u0 = 0.0f, u1 = 0.0f;
            if (gm < row_end && gk < inner) {
                const i64 src = rows_of != nullptr ? (i64)rows_of[gm] : gm;
                v = px::to_f32(a[src * inner + gk]);
            }
            if (gn < cols && gk < inner) {
                u0 = px::to_f32(b0[gn * inner + gk]);
                if (kTwo) u1 = px::to_f32(b1[gn * inner + gk]);
            }
            as[kk * kLd + mm] = v;
            bs0[kk * kLd + mm] = u0;
            if (kTwo) bs1[kk * kLd + mm] = u1;
        }
        __syncthreads();
        px::cc_stage<kTileK, kLd, kTwo>(as, bs0, bs1, tx, ty, acc0, acc1);
        __syncthreads();
    }
}

// The grouped GEMM out = x · w[g]ᵀ by groups of rows (x's rows through rows_of when not null);
// with b1 (gate and up) the epilogue stores silu(x · w[g]ᵀ) * (x · b1[g]ᵀ) instead.
template <typename T, typename O, bool kTwo>
__device__ void grouped_body(const T* x, const int* rows_of, const T* w, const T* b1, const int* ends, O* out, i64 rows,
                             i64 cols, i64 inner, i64 groups, float* as, float* bs0, float* bs1) {
    const int tx = threadIdx.x % kSide, ty = threadIdx.x / kSide;
    const TileWalk walk(rows, cols, groups);
    for (i64 t = blockIdx.x; t < walk.total; t += gridDim.x) {
        i64 row0, row_end, col0;
        const i64 g = walk.at(t, ends, row0, row_end, col0);
        if (g == -2) break;  // the same for the whole block, and for every later t
        float acc0[kBlock][kBlock], acc1[kBlock][kBlock];
#pragma unroll
        for (int i = 0; i < kBlock; i++) {
#pragma unroll
            for (int j = 0; j < kBlock; j++) {
                acc0[i][j] = 0.0f;
                acc1[i][j] = 0.0f;
            }
        }
        if (g >= 0) {
            const i64 at = g * cols * inner;
            tile_product<T, kTwo>(x, rows_of, w + at, kTwo ? b1 + at : nullptr, row0, row_end, col0, cols, inner, as, bs0,
                                  bs1, acc0, acc1);
        }
#pragma unroll
        for (int i = 0; i < kBlock; i++) {
            const i64 row = row0 + ty + kSide * i;
#pragma unroll
            for (int j = 0; j < kBlock; j++) {
                const i64 col = col0 + tx + kSide * j;
                if (row < row_end && col < cols) {
                    float v = acc0[i][j];
                    if (kTwo) v = v / (1.0f + expf(-v)) * acc1[i][j];
                    out[row * cols + col] = px::from_f32<O>(v);
                }
            }
        }
    }
}

// The pairs [base, base + 256) of one chunk: this thread's expert (or -1), its rank among the
// earlier pairs of the chunk with the same expert, and whether it is the chunk's last of them.
__device__ int rank_in_chunk(const int* indices, i64 base, const MoeParams& p, int* chunk, int& rank, bool& last) {
    const int lid = threadIdx.x;
    const i64 q = base + lid;
    const int e0 = q < p.pairs ? indices[q] : -1;
    const int e = e0 >= 0 && e0 < p.experts ? e0 : -1;
    chunk[lid] = e;
    __syncthreads();
    int r = 0;
    bool l = true;
    if (e >= 0) {
        for (int i = 0; i < lid; i++) r += chunk[i] == e;
        for (int i = lid + 1; i < kThreads; i++) l = l && chunk[i] != e;
    }
    rank = r;
    last = l;
    return e;
}

__device__ void align_body(const MoeParams& p) {
    __shared__ int chunk[kThreads];
    const int* indices = reinterpret_cast<const int*>(p.indices);
    int* cursor = reinterpret_cast<int*>(p.cursor);
    int* ends = reinterpret_cast<int*>(p.group_ends);
    int* sorted_rows = reinterpret_cast<int*>(p.sorted_rows);
    int* slot_of = reinterpret_cast<int*>(p.slot_of);
    const int lid = threadIdx.x;
    for (i64 e = lid; e < p.experts; e += kThreads) cursor[e] = 0;
    __syncthreads();
    for (i64 base = 0; base < p.pairs; base += kThreads) {
        int rank;
        bool last;
        const int e = rank_in_chunk(indices, base, p, chunk, rank, last);
        if (e >= 0 && last) cursor[e] += rank + 1;
        __syncthreads();
    }
    if (lid == 0) {
        int sum = 0;
        for (i64 e = 0; e < p.experts; e++) {
            const int c = cursor[e];
            cursor[e] = sum;
            sum += c;
            ends[e] = sum;
        }
    }
    __syncthreads();
    for (i64 base = 0; base < p.pairs; base += kThreads) {
        int rank;
        bool last;
        const i64 q = base + lid;
        const int e = rank_in_chunk(indices, base, p, chunk, rank, last);
        if (e >= 0) {
            const int row = cursor[e] + rank;
            sorted_rows[row] = (int)(q / p.k);
            slot_of[q] = row;
        } else if (q < p.pairs) {
            slot_of[q] = -1;
        }
        __syncthreads();  // every cursor read before the last of each expert moves it
        if (e >= 0 && last) cursor[e] += rank + 1;
        __syncthreads();
    }
}

template <typename T>
__device__ void combine_body(const MoeParams& p) {
    const float* y = reinterpret_cast<const float*>(p.y);
    const float* weights = reinterpret_cast<const float*>(p.weights);
    const int* slot_of = reinterpret_cast<const int*>(p.slot_of);
    T* out = reinterpret_cast<T*>(p.out);
    const i64 total = p.tokens * p.hidden;
    for (i64 i = (i64)blockIdx.x * kThreads + threadIdx.x; i < total; i += (i64)gridDim.x * kThreads) {
        const i64 t = i / p.hidden, h = i - t * p.hidden;
        float acc = 0.0f;
        for (int j = 0; j < p.k; j++) {
            const int s = slot_of[t * p.k + j];
            if (s >= 0) acc = fmaf(weights[t * p.k + j], y[(i64)s * p.hidden + h], acc);
        }
        out[i] = px::from_f32<T>(acc);
    }
}

// ---------------------------------------------------------------- decode: few rows, one warp per dot

// The dots of a (n elements) with b0 and, when b1 is not null, with b1, summed over the warp
// (every lane gets the sums); 16-byte loads when both rows allow them, else lane-strided elements.
template <typename T>
__device__ __forceinline__ void warp_dots(const T* a, const T* b0, const T* b1, i64 n, float& d0, float& d1) {
    constexpr int V = px::Vec16<T>::N;
    const int lane = threadIdx.x % 32;
    float s0 = 0.0f, s1 = 0.0f;
    i64 done = 0;
    if (px::aligned16(a) && px::aligned16(b0) && (b1 == nullptr || px::aligned16(b1))) {
        const i64 chunks = n / V;
        for (i64 c = lane; c < chunks; c += 32) {
            float av[V], bv[V];
            px::load16(a + c * V, av);
            px::load16(b0 + c * V, bv);
#pragma unroll
            for (int i = 0; i < V; i++) s0 = fmaf(av[i], bv[i], s0);
            if (b1 != nullptr) {
                px::load16(b1 + c * V, bv);
#pragma unroll
                for (int i = 0; i < V; i++) s1 = fmaf(av[i], bv[i], s1);
            }
        }
        done = chunks * V;
    }
    for (i64 i = done + lane; i < n; i += 32) {
        const float av = px::to_f32(a[i]);
        s0 = fmaf(av, px::to_f32(b0[i]), s0);
        if (b1 != nullptr) s1 = fmaf(av, px::to_f32(b1[i]), s1);
    }
    d0 = px::warp_sum(s0);
    d1 = b1 != nullptr ? px::warp_sum(s1) : 0.0f;
}

// A warp per output element (r, c) of a few-rows grouped product, e the expert of row r and a_r
// row rows_of[r] of a (row r when rows_of is null): out[r, c] = b0_e[c] · a_r, or with kTwo (gate
// and up) silu(b0_e[c] · a_r) * (b1_e[c] · a_r).
template <typename T, typename O, bool kTwo>
__device__ void rows_body(const T* a, const int* rows_of, const T* b0, const T* b1, const int* ends, O* out, i64 pairs,
                          i64 cols, i64 inner, i64 experts) {
    const i64 warps = (i64)gridDim.x * (kThreads / 32), items = pairs * cols;
    for (i64 item = (i64)blockIdx.x * (kThreads / 32) + threadIdx.x / 32; item < items; item += warps) {
        const i64 r = item / cols, c = item - r * cols;
        const i64 e = px::group_of(ends, experts, r);
        if (e >= experts) continue;  // the same for the whole warp
        const i64 w = (e * cols + c) * inner, src = rows_of != nullptr ? (i64)rows_of[r] : r;
        float d0, d1;
        warp_dots<T>(a + src * inner, b0 + w, kTwo ? b1 + w : static_cast<const T*>(nullptr), inner, d0, d1);
        if (threadIdx.x % 32 == 0) out[r * cols + c] = px::from_f32<O>(kTwo ? d0 / (1.0f + expf(-d0)) * d1 : d0);
    }
}

// ---------------------------------------------------------------- F16 and BF16 on tensor cores

namespace tc {
constexpr int kWarpThreads = 128;  // 4 warps, each a 32 x 32 quarter of the 64 x 64 tile
constexpr int kK = 32;             // k per shared stage
constexpr int kLdh = kK + 8;       // 16-bit elements per shared row: 80 bytes, rows 4-byte aligned

template <typename T> struct Mma;
template <> struct Mma<__half> {
    static __device__ __forceinline__ void run(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
        PX_MMA_16816("f16", d, a, b0, b1);
    }
};
template <> struct Mma<__nv_bfloat16> {
    static __device__ __forceinline__ void run(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
        PX_MMA_16816("bf16", d, a, b0, b1);
    }
};

// The raw bits of rows [r0, r0 + 64) (those below r_end; row r read as rows_of[r] when rows_of is
// not null) and k [k0, k0 + 32) of a k-contiguous matrix into s [64][kLdh], zeros outside.
template <typename T>
__device__ __forceinline__ void stage(uint16_t* s, const T* base, const int* rows_of, i64 r0, i64 r_end, i64 k0,
                                      i64 inner) {
    for (int i = threadIdx.x; i < kTile * kK; i += kWarpThreads) {
        const int r = i / kK, kk = i % kK;
        const i64 gr = r0 + r, gk = k0 + kk;
        uint16_t v = 0;
        if (gr < r_end && gk < inner) {
            const i64 src = rows_of != nullptr ? (i64)rows_of[gr] : gr;
            v = *reinterpret_cast<const uint16_t*>(base + src * inner + gk);
        }
        s[r * kLdh + kk] = v;
    }
}

__device__ __forceinline__ uint32_t pair(const uint16_t* s, int row, int k) {
    return *reinterpret_cast<const uint32_t*>(s + row * kLdh + k);
}

// acc0 (and acc1 when kTwo) += the warp's 32 x 32 quarter of A · b0ᵀ (A · b1ᵀ) over the tile's rows
// [row0, row_end) and the columns from col0, mma.sync m16n8k16 with F32 accumulators;
// acc[mi][ni][q] is row 16 mi + g (+ 8 for q >= 2), column 8 ni + 2 t + (q & 1) of the quarter.
template <typename T, bool kTwo>
__device__ void tile_mma(const T* a, const int* rows_of, const T* b0, const T* b1, i64 row0, i64 row_end, i64 col0,
                         i64 cols, i64 inner, uint16_t* as, uint16_t* bs0, uint16_t* bs1, float (&acc0)[2][4][4],
                         float (&acc1)[2][4][4]) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int g = lane / 4, t = lane % 4, wm = (warp / 2) * 32, wn = (warp % 2) * 32;
    for (i64 k0 = 0; k0 < inner; k0 += kK) {
        stage<T>(as, a, rows_of, row0, row_end, k0, inner);
        stage<T>(bs0, b0, nullptr, col0, cols, k0, inner);
        if (kTwo) stage<T>(bs1, b1, nullptr, col0, cols, k0, inner);
        __syncthreads();
#pragma unroll
        for (int ks = 0; ks < kK; ks += 16) {
            uint32_t af[2][4];
#pragma unroll
            for (int mi = 0; mi < 2; mi++) {
                const int r = wm + mi * 16 + g;
                af[mi][0] = pair(as, r, ks + 2 * t);
                af[mi][1] = pair(as, r + 8, ks + 2 * t);
                af[mi][2] = pair(as, r, ks + 2 * t + 8);
                af[mi][3] = pair(as, r + 8, ks + 2 * t + 8);
            }
#pragma unroll
            for (int ni = 0; ni < 4; ni++) {
                const int n = wn + ni * 8 + g;
                const uint32_t p0 = pair(bs0, n, ks + 2 * t), p1 = pair(bs0, n, ks + 2 * t + 8);
#pragma unroll
                for (int mi = 0; mi < 2; mi++) Mma<T>::run(acc0[mi][ni], af[mi], p0, p1);
                if (kTwo) {
                    const uint32_t q0 = pair(bs1, n, ks + 2 * t), q1 = pair(bs1, n, ks + 2 * t + 8);
#pragma unroll
                    for (int mi = 0; mi < 2; mi++) Mma<T>::run(acc1[mi][ni], af[mi], q0, q1);
                }
            }
        }
        __syncthreads();
    }
}

// grouped_body on tensor cores: the same tiles, groups and epilogues, 128 threads per tile.
template <typename T, typename O, bool kTwo>
__device__ void grouped_body(const T* x, const int* rows_of, const T* w, const T* b1, const int* ends, O* out, i64 rows,
                             i64 cols, i64 inner, i64 groups, uint16_t* as, uint16_t* bs0, uint16_t* bs1) {
    const TileWalk walk(rows, cols, groups);
    for (i64 tile = blockIdx.x; tile < walk.total; tile += gridDim.x) {
        i64 row0, row_end, col0;
        const i64 grp = walk.at(tile, ends, row0, row_end, col0);
        if (grp == -2) break;  // the same for the whole block, and for every later tile
        float acc0[2][4][4] = {}, acc1[2][4][4] = {};
        if (grp >= 0) {
            const i64 at = grp * cols * inner;
            tile_mma<T, kTwo>(x, rows_of, w + at, kTwo ? b1 + at : b1, row0, row_end, col0, cols, inner, as, bs0, bs1, acc0,
                              acc1);
        }
        px::for_mma_cells(row0, row_end, col0, cols, [&](int mi, int ni, int q, i64 row, i64 col) {
            float v = acc0[mi][ni][q];
            if (kTwo) v = v / (1.0f + expf(-v)) * acc1[mi][ni][q];
            out[row * cols + col] = px::from_f32<O>(v);
        });
    }
}
}  // namespace tc

}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads) moe_align(const MoeParams p) { align_body(p); }

#define PX_MOE_PLAIN(suffix, T)                                                                                             \
    extern "C" __global__ void __launch_bounds__(kThreads) grouped_matmul_##suffix(const GroupedParams p) {           \
        __shared__ float as[kTileK * kLd];                                                                            \
        __shared__ float bs[kTileK * kLd];                                                                            \
        grouped_body<T, T, false>(reinterpret_cast<const T*>(p.x), nullptr, reinterpret_cast<const T*>(p.w), nullptr,  \
                                  reinterpret_cast<const int*>(p.ends), reinterpret_cast<T*>(p.out), p.rows, p.cols,   \
                                  p.inner, p.groups, as, bs, nullptr);                                                \
    }                                                                                                                 \
    extern "C" __global__ void __launch_bounds__(kThreads) moe_gate_up_##suffix(const MoeParams p) {                  \
        __shared__ float as[kTileK * kLd];                                                                            \
        __shared__ float bs0[kTileK * kLd];                                                                           \
        __shared__ float bs1[kTileK * kLd];                                                                           \
        grouped_body<T, T, true>(reinterpret_cast<const T*>(p.x), reinterpret_cast<const int*>(p.sorted_rows),        \
                                 reinterpret_cast<const T*>(p.gate), reinterpret_cast<const T*>(p.up),                \
                                 reinterpret_cast<const int*>(p.group_ends), reinterpret_cast<T*>(p.act), p.pairs,    \
                                 p.ffn, p.hidden, p.experts, as, bs0, bs1);                                           \
    }                                                                                                                 \
    extern "C" __global__ void __launch_bounds__(kThreads) moe_down_##suffix(const MoeParams p) {                     \
        __shared__ float as[kTileK * kLd];                                                                            \
        __shared__ float bs[kTileK * kLd];                                                                            \
        grouped_body<T, float, false>(reinterpret_cast<const T*>(p.act), nullptr, reinterpret_cast<const T*>(p.down), \
                                      nullptr, reinterpret_cast<const int*>(p.group_ends),                            \
                                      reinterpret_cast<float*>(p.y), p.pairs, p.hidden, p.ffn, p.experts, as, bs,     \
                                      nullptr);                                                                       \
    }

#define PX_MOE(suffix, T)                                                                                                  \
    extern "C" __global__ void __launch_bounds__(kThreads) moe_combine_##suffix(const MoeParams p) {                  \
        combine_body<T>(p);                                                                                           \
    }                                                                                                                 \
    extern "C" __global__ void __launch_bounds__(kThreads) moe_gate_up_rows_##suffix(const MoeParams p) {             \
        rows_body<T, T, true>(reinterpret_cast<const T*>(p.x), reinterpret_cast<const int*>(p.sorted_rows),           \
                              reinterpret_cast<const T*>(p.gate), reinterpret_cast<const T*>(p.up),                   \
                              reinterpret_cast<const int*>(p.group_ends), reinterpret_cast<T*>(p.act), p.pairs, p.ffn, \
                              p.hidden, p.experts);                                                                   \
    }                                                                                                                 \
    extern "C" __global__ void __launch_bounds__(kThreads) moe_down_rows_##suffix(const MoeParams p) {                \
        rows_body<T, float, false>(reinterpret_cast<const T*>(p.act), nullptr, reinterpret_cast<const T*>(p.down),     \
                                   nullptr, reinterpret_cast<const int*>(p.group_ends), reinterpret_cast<float*>(p.y), \
                                   p.pairs, p.hidden, p.ffn, p.experts);                                              \
    }

PX_MOE_PLAIN(f32, float)
PX_MOE(f32, float)
PX_MOE(f16, __half)
PX_MOE(bf16, __nv_bfloat16)

// Tensor-core variants of the three grouped GEMMs for the 16-bit dtypes (128 threads per tile).
#define PX_MOE_MMA(suffix, T)                                                                                          \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) grouped_matmul_mma_##suffix(const GroupedParams p) { \
        __shared__ __align__(16) uint16_t as[kTile * tc::kLdh];                                                        \
        __shared__ __align__(16) uint16_t bs[kTile * tc::kLdh];                                                        \
        tc::grouped_body<T, T, false>(reinterpret_cast<const T*>(p.x), nullptr, reinterpret_cast<const T*>(p.w),       \
                                      nullptr, reinterpret_cast<const int*>(p.ends), reinterpret_cast<T*>(p.out),      \
                                      p.rows, p.cols, p.inner, p.groups, as, bs, bs);                                  \
    }                                                                                                                  \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) moe_gate_up_mma_##suffix(const MoeParams p) {       \
        __shared__ __align__(16) uint16_t as[kTile * tc::kLdh];                                                        \
        __shared__ __align__(16) uint16_t bs0[kTile * tc::kLdh];                                                       \
        __shared__ __align__(16) uint16_t bs1[kTile * tc::kLdh];                                                       \
        tc::grouped_body<T, T, true>(reinterpret_cast<const T*>(p.x), reinterpret_cast<const int*>(p.sorted_rows),     \
                                     reinterpret_cast<const T*>(p.gate), reinterpret_cast<const T*>(p.up),             \
                                     reinterpret_cast<const int*>(p.group_ends), reinterpret_cast<T*>(p.act), p.pairs, \
                                     p.ffn, p.hidden, p.experts, as, bs0, bs1);                                        \
    }                                                                                                                  \
    extern "C" __global__ void __launch_bounds__(tc::kWarpThreads) moe_down_mma_##suffix(const MoeParams p) {          \
        __shared__ __align__(16) uint16_t as[kTile * tc::kLdh];                                                        \
        __shared__ __align__(16) uint16_t bs[kTile * tc::kLdh];                                                        \
        tc::grouped_body<T, float, false>(reinterpret_cast<const T*>(p.act), nullptr,                                  \
                                          reinterpret_cast<const T*>(p.down), nullptr,                                 \
                                          reinterpret_cast<const int*>(p.group_ends), reinterpret_cast<float*>(p.y),   \
                                          p.pairs, p.hidden, p.ffn, p.experts, as, bs, bs);                            \
    }

PX_MOE_MMA(f16, __half)
PX_MOE_MMA(bf16, __nv_bfloat16)
