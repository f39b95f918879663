// Rows moved by an I32 index, bit for bit (F32, F16 or BF16; only the NaN row depends on the dtype):
//   embedding: table [vocab, width], ids [rows] -> out [rows, width]; out row r = table row ids[r],
//              or a row of NaN when ids[r] is outside [0, vocab) (the table is not read then).
//   writeCache: src [batch, heads, tokens, width] -> cache [batch, heads, capacity, width]; src row
//              (b, h, t) goes to cache row (b, h, starts[b] + t) when that is in [0, capacity), and
//              nowhere otherwise; the rest of the cache is not touched.
// Mapping: 256-thread blocks; `lanes` threads (a power of two, chosen by the Java side from the row
// length: 16-byte chunks per row, up to 256) share one row, so a block moves 256 / lanes rows at a
// time and short rows do not idle most of a block; rows are grid-strided (64-bit), so any grid
// covers any number of rows. A row moves in 16-byte chunks when both base pointers are 16-byte
// aligned and width * sizeof(T) is a multiple of 16 (every row start is then aligned), else element
// by element. Every index is bounds-checked before the row it names is read or written.
// Kernels, one per dtype (_f32, _f16, _bf16): embedding_rows_*, write_cache_rows_*.
#include "common.cuh"
#include "params.cuh"

namespace {

constexpr int kThreads = 256;

// Moves one row of `width` elements from src to dst, or fills dst with NaN when src is null;
// this thread takes the chunks lane, lane + lanes, ...
template <typename T>
__device__ __forceinline__ void move_row(T* dst, const T* src, i64 width, int lane, int lanes, bool vec) {
    constexpr int V = px::Vec16<T>::N;
    const float nan = __int_as_float(0x7fc00000);
    if (vec) {
        const i64 chunks = width / V;
        uint4* d = reinterpret_cast<uint4*>(dst);
        if (src != nullptr) {
            const uint4* s = reinterpret_cast<const uint4*>(src);
            i64 u = lane;
            for (; u + 3 * lanes < chunks; u += 4 * lanes) {  // four loads in flight per thread
                const uint4 a = s[u], b = s[u + lanes], c = s[u + 2 * lanes], e = s[u + 3 * lanes];
                d[u] = a;
                d[u + lanes] = b;
                d[u + 2 * lanes] = c;
                d[u + 3 * lanes] = e;
            }
            for (; u < chunks; u += lanes) d[u] = s[u];
        } else {
            float nans[V];
#pragma unroll
            for (int i = 0; i < V; i++) nans[i] = nan;
            for (i64 u = lane; u < chunks; u += lanes) px::store16(dst + u * V, nans);
        }
    } else {
        const T fill = px::from_f32<T>(nan);
        for (i64 j = lane; j < width; j += lanes) dst[j] = src != nullptr ? src[j] : fill;
    }
}

template <typename T>
__device__ void embedding_body(const EmbeddingParams& p) {
    const T* table = reinterpret_cast<const T*>(p.table);
    const int* ids = reinterpret_cast<const int*>(p.ids);
    T* out = reinterpret_cast<T*>(p.out);
    const i64 width = p.width;
    const bool vec = px::aligned16(table) && px::aligned16(out) && width % px::Vec16<T>::N == 0;
    const int lanes = p.lanes, lane = threadIdx.x & (lanes - 1);
    const i64 perBlock = kThreads / lanes;
    for (i64 r = (i64)blockIdx.x * perBlock + threadIdx.x / lanes; r < p.rows; r += (i64)gridDim.x * perBlock) {
        const int id = ids[r];
        const T* src = (id >= 0 && (i64)id < p.vocab) ? table + (i64)id * width : nullptr;
        move_row<T>(out + r * width, src, width, lane, lanes, vec);
    }
}

template <typename T>
__device__ void write_cache_body(const CacheParams& p) {
    const T* src = reinterpret_cast<const T*>(p.src);
    T* cache = reinterpret_cast<T*>(p.cache);
    const int* starts = reinterpret_cast<const int*>(p.starts);
    const i64 width = p.width;
    const bool vec = px::aligned16(src) && px::aligned16(cache) && width % px::Vec16<T>::N == 0;
    const int lanes = p.lanes, lane = threadIdx.x & (lanes - 1);
    const i64 perBlock = kThreads / lanes;
    for (i64 r = (i64)blockIdx.x * perBlock + threadIdx.x / lanes; r < p.rows; r += (i64)gridDim.x * perBlock) {
        const i64 bh = r / p.tokens;            // b * heads + h
        const i64 s = (i64)starts[bh / p.heads] + (r - bh * p.tokens);
        if (s < 0 || s >= p.capacity) continue;  // dropped: lands outside the cache
        move_row<T>(cache + (bh * p.capacity + s) * width, src + r * width, width, lane, lanes, vec);
    }
}

}  // namespace

#define PX_GATHER(suffix, T)                                                                              \
    extern "C" __global__ void __launch_bounds__(kThreads) embedding_rows_##suffix(const EmbeddingParams p) { \
        embedding_body<T>(p);                                                                             \
    }                                                                                                     \
    extern "C" __global__ void __launch_bounds__(kThreads) write_cache_rows_##suffix(const CacheParams p) {   \
        write_cache_body<T>(p);                                                                           \
    }

PX_GATHER(f32, float)
PX_GATHER(f16, __half)
PX_GATHER(bf16, __nv_bfloat16)
