// The parameter struct of every Panamax CUDA kernel, each declared here once for the C side.
//
// Kernel ABI (see java/src/main/java/dev/panamax/cuda/CudaLauncher.java): every kernel is
// extern "C" and takes ONE parameter, one of these structs passed by value. Structs hold device
// pointers as u64 first, then 64-bit integers, then 32-bit fields, so that natural alignment leaves
// no holes the Java side could get wrong. Each struct is written `typedef struct X { ... } X;`, one
// field per line, and pinned by the PX_OFFSET (every field), PX_SIZE and PX_ALIGN lines right after
// it: the compilers (nvcc, and the emulator's C++ compiler) check them against the real struct,
// and KernelStructTest reads the same lines to check the Java StructLayout of the same name (made
// with KernelStruct.of in the class that launches the kernels: CudaGemm, CudaSoftmax,
// CudaAttention, CudaTopK, CudaConvert, ArchProbe), so neither side can drift silently.
// Changing a struct here means changing its Java layout, and the other way round.
#pragma once

#include <stddef.h>

typedef unsigned long long u64;
typedef long long i64;

#define PX_OFFSET(S, f, off) static_assert(offsetof(S, f) == (off), #S "." #f " moved: update its Java layout")
#define PX_SIZE(S, n) static_assert(sizeof(S) == (n), #S " changed size: update its Java layout")
#define PX_ALIGN(S, n) static_assert(alignof(S) == (n), #S " changed alignment: update its Java layout")

// ---------------------------------------------------------------- gemm.cu, gemm_wgmma.cu (CudaGemm)

typedef struct GemmParams {
    u64 a;          // const T* [batch][M, K] or [batch][K, M]
    u64 b;          // const T* [K, N] or [N, K], strideB apart
    u64 c;          // float* or T* [batch][M, N]
    i64 batch;
    i64 m;
    i64 n;
    i64 k;
    i64 strideB;    // elements between consecutive b matrices; 0 = shared
    float alpha;
    float beta;
    int transA;
    int transB;
    int cF32;       // 1: c is F32; 0: c has the dtype of a (mma and wgmma variants only)
} GemmParams;
PX_OFFSET(GemmParams, a, 0);
PX_OFFSET(GemmParams, b, 8);
PX_OFFSET(GemmParams, c, 16);
PX_OFFSET(GemmParams, batch, 24);
PX_OFFSET(GemmParams, m, 32);
PX_OFFSET(GemmParams, n, 40);
PX_OFFSET(GemmParams, k, 48);
PX_OFFSET(GemmParams, strideB, 56);
PX_OFFSET(GemmParams, alpha, 64);
PX_OFFSET(GemmParams, beta, 68);
PX_OFFSET(GemmParams, transA, 72);
PX_OFFSET(GemmParams, transB, 76);
PX_OFFSET(GemmParams, cF32, 80);
PX_SIZE(GemmParams, 88);
PX_ALIGN(GemmParams, 8);

// ---------------------------------------------------------------- softmax.cu (CudaSoftmax)

typedef struct SoftmaxParams {
    u64 x;     // const T* [rows, cols]
    u64 out;   // T* [rows, cols], may equal x
    i64 rows;
    i64 cols;  // >= 1
} SoftmaxParams;
PX_OFFSET(SoftmaxParams, x, 0);
PX_OFFSET(SoftmaxParams, out, 8);
PX_OFFSET(SoftmaxParams, rows, 16);
PX_OFFSET(SoftmaxParams, cols, 24);
PX_SIZE(SoftmaxParams, 32);
PX_ALIGN(SoftmaxParams, 8);

// ---------------------------------------------------------------- attention.cu (CudaAttention)

// One struct for the attention kernels and attention_combine_*, which the split-KV path launches
// after them with the same bytes.
typedef struct AttentionParams {
    u64 q;              // const T* [B, Hq, Sq, D]
    u64 k;              // const T* [B, Hkv, Skv, D]
    u64 v;              // const T* [B, Hkv, Skv, D]
    u64 out;            // T* [B, Hq, Sq, D]
    u64 partialO;       // float* [splits][B * Hq * Sq][D] (splits > 1)
    u64 partialLse;     // float* [splits][B * Hq * Sq] (splits > 1)
    u64 kvLengths;      // const int* [B]: batch b uses keys [0, clamp(kvLengths[b], 0, Skv)); 0: all Skv
    i64 batch;
    i64 hq;
    i64 hkv;
    i64 sq;
    i64 skv;
    float scaleLog2;    // scale * log2(e)
    int d;
    int causal;
    int splits;         // >= 1; 1 writes out directly; > 1: each item's visible key tiles shared evenly
} AttentionParams;
PX_OFFSET(AttentionParams, q, 0);
PX_OFFSET(AttentionParams, k, 8);
PX_OFFSET(AttentionParams, v, 16);
PX_OFFSET(AttentionParams, out, 24);
PX_OFFSET(AttentionParams, partialO, 32);
PX_OFFSET(AttentionParams, partialLse, 40);
PX_OFFSET(AttentionParams, kvLengths, 48);
PX_OFFSET(AttentionParams, batch, 56);
PX_OFFSET(AttentionParams, hq, 64);
PX_OFFSET(AttentionParams, hkv, 72);
PX_OFFSET(AttentionParams, sq, 80);
PX_OFFSET(AttentionParams, skv, 88);
PX_OFFSET(AttentionParams, scaleLog2, 96);
PX_OFFSET(AttentionParams, d, 100);
PX_OFFSET(AttentionParams, causal, 104);
PX_OFFSET(AttentionParams, splits, 108);
PX_SIZE(AttentionParams, 112);
PX_ALIGN(AttentionParams, 8);

// ---------------------------------------------------------------- topk.cu (CudaTopK)

typedef struct GatingParams {
    u64 logits;       // const T* [tokens, experts]
    u64 weights;      // float* [tokens, k]
    u64 indices;      // int* [tokens, k]
    i64 tokens;
    int experts;
    int k;
    int renormalize;
} GatingParams;
PX_OFFSET(GatingParams, logits, 0);
PX_OFFSET(GatingParams, weights, 8);
PX_OFFSET(GatingParams, indices, 16);
PX_OFFSET(GatingParams, tokens, 24);
PX_OFFSET(GatingParams, experts, 32);
PX_OFFSET(GatingParams, k, 36);
PX_OFFSET(GatingParams, renormalize, 40);
PX_SIZE(GatingParams, 48);
PX_ALIGN(GatingParams, 8);

typedef struct TopKParams {
    u64 x;            // const T* [rows, n]: keys of the first pass, and the values written at the end
    u64 keysIn;       // const u64* [rows, len]: merge passes
    u64 keysOut;      // u64* [rows, chunks * k]: when a row spans more than one chunk
    u64 values;       // T* [rows, k]
    u64 indices;      // int* [rows, k]
    i64 rows;
    i64 len;          // keys per row in this pass (n in the first)
    i64 n;
    int k;
    int chunk;        // C: a power of two, 64..4096, >= 2k when len > C; blockDim.x = min(C / 2, 1024)
} TopKParams;
PX_OFFSET(TopKParams, x, 0);
PX_OFFSET(TopKParams, keysIn, 8);
PX_OFFSET(TopKParams, keysOut, 16);
PX_OFFSET(TopKParams, values, 24);
PX_OFFSET(TopKParams, indices, 32);
PX_OFFSET(TopKParams, rows, 40);
PX_OFFSET(TopKParams, len, 48);
PX_OFFSET(TopKParams, n, 56);
PX_OFFSET(TopKParams, k, 64);
PX_OFFSET(TopKParams, chunk, 68);
PX_SIZE(TopKParams, 72);
PX_ALIGN(TopKParams, 8);

// ---------------------------------------------------------------- convert.cu (CudaConvert)

typedef struct ConvertParams {
    u64 src;          // const From*  (or bytes for convert_copy)
    u64 dst;          // To*
    i64 count;        // elements (bytes for convert_copy)
} ConvertParams;
PX_OFFSET(ConvertParams, src, 0);
PX_OFFSET(ConvertParams, dst, 8);
PX_OFFSET(ConvertParams, count, 16);
PX_SIZE(ConvertParams, 24);
PX_ALIGN(ConvertParams, 8);

// ---------------------------------------------------------------- launch_probe.cu (ArchProbe)

typedef struct ArchProbeParams {
    u64 out;          // unsigned int* [2]
} ArchProbeParams;
PX_OFFSET(ArchProbeParams, out, 0);
PX_SIZE(ArchProbeParams, 8);
PX_ALIGN(ArchProbeParams, 8);

// ---------------------------------------------------------------- elementwise.cu (CudaElementwise)

typedef struct ElementwiseParams {
    u64 a;            // const T* [n]
    u64 b;            // const T* [bSize]: add, mul (b[i % bSize]), swiglu (up, bSize == n); 0 for unary ops
    u64 out;          // T* [n], may equal a
    i64 n;
    i64 bSize;        // >= 1; n for the unary ops
} ElementwiseParams;
PX_OFFSET(ElementwiseParams, a, 0);
PX_OFFSET(ElementwiseParams, b, 8);
PX_OFFSET(ElementwiseParams, out, 16);
PX_OFFSET(ElementwiseParams, n, 24);
PX_OFFSET(ElementwiseParams, bSize, 32);
PX_SIZE(ElementwiseParams, 40);
PX_ALIGN(ElementwiseParams, 8);

// ---------------------------------------------------------------- norm.cu (CudaNorm)

typedef struct NormParams {
    u64 x;            // T* [rows, cols] (written by add_rms_norm)
    u64 residual;     // T* [rows, cols]: add_rms_norm only, else 0
    u64 gamma;        // const G* [cols]
    u64 beta;         // const B* [cols]: layer_norm only, else 0
    u64 out;          // T* [rows, cols], may equal x (add_rms_norm: x)
    i64 rows;
    i64 cols;         // >= 1
    float eps;        // finite, >= 0
} NormParams;
PX_OFFSET(NormParams, x, 0);
PX_OFFSET(NormParams, residual, 8);
PX_OFFSET(NormParams, gamma, 16);
PX_OFFSET(NormParams, beta, 24);
PX_OFFSET(NormParams, out, 32);
PX_OFFSET(NormParams, rows, 40);
PX_OFFSET(NormParams, cols, 48);
PX_OFFSET(NormParams, eps, 56);
PX_SIZE(NormParams, 64);
PX_ALIGN(NormParams, 8);

// ---------------------------------------------------------------- gather.cu (CudaGather): embedding, writeCache

// lanes: the threads that share one row, a power of two, 1 to 256 (the block has 256 threads, so
// 256 / lanes rows move at once per block).
typedef struct EmbeddingParams {
    u64 table;        // const T* [vocab, width]; 0 when vocab == 0 (never read then)
    u64 ids;          // const int* [rows]
    u64 out;          // T* [rows, width]
    i64 rows;
    i64 width;
    i64 vocab;
    int lanes;
} EmbeddingParams;
PX_OFFSET(EmbeddingParams, table, 0);
PX_OFFSET(EmbeddingParams, ids, 8);
PX_OFFSET(EmbeddingParams, out, 16);
PX_OFFSET(EmbeddingParams, rows, 24);
PX_OFFSET(EmbeddingParams, width, 32);
PX_OFFSET(EmbeddingParams, vocab, 40);
PX_OFFSET(EmbeddingParams, lanes, 48);
PX_SIZE(EmbeddingParams, 56);
PX_ALIGN(EmbeddingParams, 8);

typedef struct CacheParams {
    u64 src;          // const T* [batch, heads, tokens, width]
    u64 cache;        // T* [batch, heads, capacity, width]
    u64 starts;       // const int* [batch]
    i64 rows;         // batch * heads * tokens
    i64 heads;
    i64 tokens;
    i64 capacity;
    i64 width;
    int lanes;
} CacheParams;
PX_OFFSET(CacheParams, src, 0);
PX_OFFSET(CacheParams, cache, 8);
PX_OFFSET(CacheParams, starts, 16);
PX_OFFSET(CacheParams, rows, 24);
PX_OFFSET(CacheParams, heads, 32);
PX_OFFSET(CacheParams, tokens, 40);
PX_OFFSET(CacheParams, capacity, 48);
PX_OFFSET(CacheParams, width, 56);
PX_OFFSET(CacheParams, lanes, 64);
PX_SIZE(CacheParams, 72);
PX_ALIGN(CacheParams, 8);

// ---------------------------------------------------------------- rope.cu (CudaRope)

typedef struct RopeParams {
    u64 x;                 // T* [batch, heads, seq, dim], rotated in place
    u64 positions;         // const int* [seq], or [batch, seq] when positionsBatched
    u64 inv;               // const float* [pairs]
    i64 heads;
    i64 seq;
    i64 dim;
    i64 pairs;             // R / 2 >= 1, 2 * pairs <= dim
    i64 items;             // batch * seq * ceil(heads / headsPerItem) * chunks of pairs
    int headsPerItem;      // >= 1: the heads one item rotates with the same angles
    int positionsBatched;  // 0 or 1
} RopeParams;
PX_OFFSET(RopeParams, x, 0);
PX_OFFSET(RopeParams, positions, 8);
PX_OFFSET(RopeParams, inv, 16);
PX_OFFSET(RopeParams, heads, 24);
PX_OFFSET(RopeParams, seq, 32);
PX_OFFSET(RopeParams, dim, 40);
PX_OFFSET(RopeParams, pairs, 48);
PX_OFFSET(RopeParams, items, 56);
PX_OFFSET(RopeParams, headsPerItem, 64);
PX_OFFSET(RopeParams, positionsBatched, 68);
PX_SIZE(RopeParams, 72);
PX_ALIGN(RopeParams, 8);

// ---------------------------------------------------------------- permute.cu (CudaPermute)

typedef struct PermuteParams {
    u64 x;  // const unit* of x (contiguous in its own shape)
    u64 out;  // unit* [count], contiguous
    i64 count;  // units to move
    i64 size0;  // size0..size7: out's dimensions from the innermost; 1 when unused
    i64 size1;
    i64 size2;
    i64 size3;
    i64 size4;
    i64 size5;
    i64 size6;
    i64 size7;
    i64 stride0;  // stride0..stride7: x's stride (in units) along each; 0 when unused
    i64 stride1;
    i64 stride2;
    i64 stride3;
    i64 stride4;
    i64 stride5;
    i64 stride6;
    i64 stride7;
    int rank;  // used dimensions, 1 to 8
} PermuteParams;
PX_OFFSET(PermuteParams, x, 0);
PX_OFFSET(PermuteParams, out, 8);
PX_OFFSET(PermuteParams, count, 16);
PX_OFFSET(PermuteParams, size0, 24);
PX_OFFSET(PermuteParams, size1, 32);
PX_OFFSET(PermuteParams, size2, 40);
PX_OFFSET(PermuteParams, size3, 48);
PX_OFFSET(PermuteParams, size4, 56);
PX_OFFSET(PermuteParams, size5, 64);
PX_OFFSET(PermuteParams, size6, 72);
PX_OFFSET(PermuteParams, size7, 80);
PX_OFFSET(PermuteParams, stride0, 88);
PX_OFFSET(PermuteParams, stride1, 96);
PX_OFFSET(PermuteParams, stride2, 104);
PX_OFFSET(PermuteParams, stride3, 112);
PX_OFFSET(PermuteParams, stride4, 120);
PX_OFFSET(PermuteParams, stride5, 128);
PX_OFFSET(PermuteParams, stride6, 136);
PX_OFFSET(PermuteParams, stride7, 144);
PX_OFFSET(PermuteParams, rank, 152);
PX_SIZE(PermuteParams, 160);
PX_ALIGN(PermuteParams, 8);

// ---------------------------------------------------------------- moe.cu (CudaMoe)

typedef struct GroupedParams {
    u64 x;            // const T* [rows, inner]
    u64 w;            // const T* [groups, cols, inner]
    u64 ends;         // const int* [groups], any values (clamped on the device)
    u64 out;          // T* [rows, cols]
    i64 rows;
    i64 cols;
    i64 inner;
    i64 groups;
} GroupedParams;
PX_OFFSET(GroupedParams, x, 0);
PX_OFFSET(GroupedParams, w, 8);
PX_OFFSET(GroupedParams, ends, 16);
PX_OFFSET(GroupedParams, out, 24);
PX_OFFSET(GroupedParams, rows, 32);
PX_OFFSET(GroupedParams, cols, 40);
PX_OFFSET(GroupedParams, inner, 48);
PX_OFFSET(GroupedParams, groups, 56);
PX_SIZE(GroupedParams, 64);
PX_ALIGN(GroupedParams, 8);

// One struct for the four launches of a moe call (align, gate_up, down, combine).
typedef struct MoeParams {
    u64 x;            // const T* [tokens, hidden]
    u64 weights;      // const float* [tokens, k]
    u64 indices;      // const int* [tokens, k]
    u64 gate;         // const T* [experts, ffn, hidden]
    u64 up;           // const T* [experts, ffn, hidden]
    u64 down;         // const T* [experts, hidden, ffn]
    u64 out;          // T* [tokens, hidden]
    u64 cursor;       // int* [experts], scratch
    u64 group_ends;   // int* [experts], scratch: the end of each expert's rows
    u64 sorted_rows;  // int* [pairs], scratch: the token of each row
    u64 slot_of;      // int* [pairs], scratch: the row of each pair, -1 for none
    u64 act;          // T* [pairs, ffn], scratch
    u64 y;            // float* [pairs, hidden], scratch
    i64 tokens;
    i64 hidden;
    i64 ffn;
    i64 experts;
    i64 pairs;        // tokens * k
    int k;
} MoeParams;
PX_OFFSET(MoeParams, x, 0);
PX_OFFSET(MoeParams, weights, 8);
PX_OFFSET(MoeParams, indices, 16);
PX_OFFSET(MoeParams, gate, 24);
PX_OFFSET(MoeParams, up, 32);
PX_OFFSET(MoeParams, down, 40);
PX_OFFSET(MoeParams, out, 48);
PX_OFFSET(MoeParams, cursor, 56);
PX_OFFSET(MoeParams, group_ends, 64);
PX_OFFSET(MoeParams, sorted_rows, 72);
PX_OFFSET(MoeParams, slot_of, 80);
PX_OFFSET(MoeParams, act, 88);
PX_OFFSET(MoeParams, y, 96);
PX_OFFSET(MoeParams, tokens, 104);
PX_OFFSET(MoeParams, hidden, 112);
PX_OFFSET(MoeParams, ffn, 120);
PX_OFFSET(MoeParams, experts, 128);
PX_OFFSET(MoeParams, pairs, 136);
PX_OFFSET(MoeParams, k, 144);
PX_SIZE(MoeParams, 152);
PX_ALIGN(MoeParams, 8);

// ---------------------------------------------------------------- int8.cu (CudaInt8)

// One struct for quantize, dequantize and the quantized matmul (each reads the fields it needs).
typedef struct Int8Params {
    u64 x;       // const T* [rows, inner]: quantize's w, the matmul's x
    u64 values;  // const int8_t* [rows or cols, inner]: dequantize's and the matmul's weight
    u64 scales;  // const float* [rows or cols]: the weight's scales
    u64 out;     // float* or T*: dequantize's [rows, inner], the matmul's [rows, cols]
    u64 qx;      // int8_t* [rows, ldq]: quantize's values, the matmul's quantized x (W8A8)
    u64 sx;      // float* [rows]: quantize's scales, the matmul's x scales (W8A8)
    i64 rows;
    i64 cols;
    i64 inner;
    i64 ldq;     // bytes from one row of qx to the next (inner, or a multiple of 16 >= inner)
} Int8Params;
PX_OFFSET(Int8Params, x, 0);
PX_OFFSET(Int8Params, values, 8);
PX_OFFSET(Int8Params, scales, 16);
PX_OFFSET(Int8Params, out, 24);
PX_OFFSET(Int8Params, qx, 32);
PX_OFFSET(Int8Params, sx, 40);
PX_OFFSET(Int8Params, rows, 48);
PX_OFFSET(Int8Params, cols, 56);
PX_OFFSET(Int8Params, inner, 64);
PX_OFFSET(Int8Params, ldq, 72);
PX_SIZE(Int8Params, 80);
PX_ALIGN(Int8Params, 8);

// The expert products of the INT8 moe (moe_align and moe_combine_* of moe.cu take MoeParams).
typedef struct Int8MoeParams {
    u64 x;            // const T* [tokens, hidden]
    u64 gate;         // const int8_t* [experts, ffn, hidden]
    u64 up;           // const int8_t* [experts, ffn, hidden]
    u64 down;         // const int8_t* [experts, hidden, ffn]
    u64 gate_scales;  // const float* [experts, ffn]
    u64 up_scales;    // const float* [experts, ffn]
    u64 down_scales;  // const float* [experts, hidden]
    u64 group_ends;   // const int* [experts], moe_align's
    u64 sorted_rows;  // const int* [pairs], moe_align's: the token of each row
    u64 act;          // float* [pairs, ffn], scratch
    u64 y;            // float* [pairs, hidden], scratch (moe_combine_* reads it)
    u64 qx;           // const int8_t* [tokens, ldx]: x's rows quantized (W8A8)
    u64 sx;           // const float* [tokens]
    u64 qa;           // const int8_t* [pairs, lda]: act's rows quantized (W8A8)
    u64 sa;           // const float* [pairs]
    i64 tokens;
    i64 hidden;
    i64 ffn;
    i64 experts;
    i64 pairs;
    i64 ldx;
    i64 lda;
} Int8MoeParams;
PX_OFFSET(Int8MoeParams, x, 0);
PX_OFFSET(Int8MoeParams, gate, 8);
PX_OFFSET(Int8MoeParams, up, 16);
PX_OFFSET(Int8MoeParams, down, 24);
PX_OFFSET(Int8MoeParams, gate_scales, 32);
PX_OFFSET(Int8MoeParams, up_scales, 40);
PX_OFFSET(Int8MoeParams, down_scales, 48);
PX_OFFSET(Int8MoeParams, group_ends, 56);
PX_OFFSET(Int8MoeParams, sorted_rows, 64);
PX_OFFSET(Int8MoeParams, act, 72);
PX_OFFSET(Int8MoeParams, y, 80);
PX_OFFSET(Int8MoeParams, qx, 88);
PX_OFFSET(Int8MoeParams, sx, 96);
PX_OFFSET(Int8MoeParams, qa, 104);
PX_OFFSET(Int8MoeParams, sa, 112);
PX_OFFSET(Int8MoeParams, tokens, 120);
PX_OFFSET(Int8MoeParams, hidden, 128);
PX_OFFSET(Int8MoeParams, ffn, 136);
PX_OFFSET(Int8MoeParams, experts, 144);
PX_OFFSET(Int8MoeParams, pairs, 152);
PX_OFFSET(Int8MoeParams, ldx, 160);
PX_OFFSET(Int8MoeParams, lda, 168);
PX_SIZE(Int8MoeParams, 176);
PX_ALIGN(Int8MoeParams, 8);
