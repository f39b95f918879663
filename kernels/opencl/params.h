// The parameter structs of the Panamax OpenCL kernels: each kernel takes its buffers, then its
// scalars as one of these structs passed by value (convert.cl, whose one scalar is a count, takes
// it as a plain ulong), then its __local buffers. Each struct is declared here once, one field a
// line, and once in Java as the StructLayout of the class that launches it, named as the struct
// (ClGemm.PARAMS is GemmParams, ClSoftmax, ClAttention, ClTopK the others); the host writes the
// fields straight into its launch's argument buffer through that layout.
//
// The PX_OFFSET / PX_SIZE / PX_ALIGN lines after each struct pin its layout: KernelStructTest
// checks that the Java layout has the same fields in the same order with the same offsets, size
// and alignment, and a clang-based OpenCL compiler (PoCL's, in CI, which builds every program)
// checks them against the real struct at compile time, so that neither side can drift. OpenCL C
// lays out a struct as C does: each field at its natural alignment, the size a multiple of the
// largest. Keep 8-byte fields first, so that no padding hides between fields.
#ifndef PANAMAX_PARAMS_H
#define PANAMAX_PARAMS_H

#if defined(__clang__)
// A false check declares an array of size -1: the build fails, naming px_offset_S_f (or
// px_size_S, px_align_S) in its log.
#define PX_OFFSET(S, f, off) typedef char px_offset_##S##_##f[(__builtin_offsetof(S, f) == (off)) ? 1 : -1]
#define PX_SIZE(S, n) typedef char px_size_##S[(sizeof(S) == (n)) ? 1 : -1]
#define PX_ALIGN(S, n) typedef char px_align_##S[(__alignof__(S) == (n)) ? 1 : -1]
#else
// Other OpenCL compilers (e.g. NVIDIA's) may lack __builtin_offsetof: there the lines declare
// nothing that checks, and KernelStructTest still pins the numbers to the Java layouts.
#define PX_OFFSET(S, f, off) typedef int px_offset_##S##_##f
#define PX_SIZE(S, n) typedef int px_size_##S
#define PX_ALIGN(S, n) typedef int px_align_##S
#endif

// gemm_tiled (gemm.cl). Batch strides in elements; batch_stride_b is 0 when one b serves every
// batch; trans_a and trans_b are 0 or 1.
typedef struct GemmParams {
    ulong batch;
    ulong m;
    ulong n;
    ulong k;
    ulong batch_stride_a;
    ulong batch_stride_b;
    ulong batch_stride_c;
    float alpha;
    float beta;
    int trans_a;
    int trans_b;
} GemmParams;
PX_OFFSET(GemmParams, batch, 0);
PX_OFFSET(GemmParams, m, 8);
PX_OFFSET(GemmParams, n, 16);
PX_OFFSET(GemmParams, k, 24);
PX_OFFSET(GemmParams, batch_stride_a, 32);
PX_OFFSET(GemmParams, batch_stride_b, 40);
PX_OFFSET(GemmParams, batch_stride_c, 48);
PX_OFFSET(GemmParams, alpha, 56);
PX_OFFSET(GemmParams, beta, 60);
PX_OFFSET(GemmParams, trans_a, 64);
PX_OFFSET(GemmParams, trans_b, 68);
PX_SIZE(GemmParams, 72);
PX_ALIGN(GemmParams, 8);

// softmax_rows and softmax_rows_in_place (softmax.cl): threads_per_row is a power of two, 1 to 256.
typedef struct SoftmaxParams {
    ulong rows;
    ulong cols;
    uint threads_per_row;
} SoftmaxParams;
PX_OFFSET(SoftmaxParams, rows, 0);
PX_OFFSET(SoftmaxParams, cols, 8);
PX_OFFSET(SoftmaxParams, threads_per_row, 16);
PX_SIZE(SoftmaxParams, 24);
PX_ALIGN(SoftmaxParams, 8);

// Every attention.cl kernel. d: the head dimension; bk: keys per tile; causal: 0 or 1; splits:
// key splits (decode: a work-group's visible key tiles shared evenly over them; 1 when tiled);
// has_lengths: 1 when the kv_lengths buffer argument holds L_b per batch (OpenCL 1.2 has no
// pointers in structs: the buffer is an argument, NULL when 0).
typedef struct AttentionParams {
    ulong batch;
    ulong hq;
    ulong hkv;
    ulong sq;
    ulong skv;
    uint d;
    uint bk;
    uint causal;
    uint splits;
    float scale;
    uint has_lengths;
} AttentionParams;
PX_OFFSET(AttentionParams, batch, 0);
PX_OFFSET(AttentionParams, hq, 8);
PX_OFFSET(AttentionParams, hkv, 16);
PX_OFFSET(AttentionParams, sq, 24);
PX_OFFSET(AttentionParams, skv, 32);
PX_OFFSET(AttentionParams, d, 40);
PX_OFFSET(AttentionParams, bk, 44);
PX_OFFSET(AttentionParams, causal, 48);
PX_OFFSET(AttentionParams, splits, 52);
PX_OFFSET(AttentionParams, scale, 56);
PX_OFFSET(AttentionParams, has_lengths, 60);
PX_SIZE(AttentionParams, 64);
PX_ALIGN(AttentionParams, 8);

// topk_gating (topk.cl): threads_per_token is a power of two, 1 to 256; renormalize is 0 or 1.
typedef struct GatingParams {
    ulong tokens;
    uint experts;
    uint k;
    uint threads_per_token;
    uint renormalize;
} GatingParams;
PX_OFFSET(GatingParams, tokens, 0);
PX_OFFSET(GatingParams, experts, 8);
PX_OFFSET(GatingParams, k, 12);
PX_OFFSET(GatingParams, threads_per_token, 16);
PX_OFFSET(GatingParams, renormalize, 20);
PX_SIZE(GatingParams, 24);
PX_ALIGN(GatingParams, 8);

// topk_rows_bitonic and topk_rows_radix_select (topk.cl). block: the power of two each row is
// sorted in (bitonic), else unused.
typedef struct TopKParams {
    ulong rows;
    ulong n;
    uint k;
    uint block;
} TopKParams;
PX_OFFSET(TopKParams, rows, 0);
PX_OFFSET(TopKParams, n, 8);
PX_OFFSET(TopKParams, k, 16);
PX_OFFSET(TopKParams, block, 20);
PX_SIZE(TopKParams, 24);
PX_ALIGN(TopKParams, 8);

// ---------------------------------------------------------------- elementwise.cl and norm.cl

// Every elementwise.cl kernel: b[i % b_size] (b_size >= 1; n for the unary ops and swiglu).
typedef struct ElementwiseParams {
    ulong n;
    ulong b_size;
} ElementwiseParams;
PX_OFFSET(ElementwiseParams, n, 0);
PX_OFFSET(ElementwiseParams, b_size, 8);
PX_SIZE(ElementwiseParams, 16);
PX_ALIGN(ElementwiseParams, 8);

// Every norm.cl kernel: threads_per_row is a power of two, 1 to 256 (256 in the _long variants).
typedef struct NormParams {
    ulong rows;
    ulong cols;
    float eps;
    uint threads_per_row;
} NormParams;
PX_OFFSET(NormParams, rows, 0);
PX_OFFSET(NormParams, cols, 8);
PX_OFFSET(NormParams, eps, 16);
PX_OFFSET(NormParams, threads_per_row, 20);
PX_SIZE(NormParams, 24);
PX_ALIGN(NormParams, 8);

// ---------------------------------------------------------------- gather.cl (ClGather), rope.cl (ClRope)

// embedding_rows (gather.cl). lanes: the work-items that share one row, a power of two, 1 to 256.
typedef struct EmbeddingParams {
    ulong rows;
    ulong width;
    ulong vocab;
    uint lanes;
} EmbeddingParams;
PX_OFFSET(EmbeddingParams, rows, 0);
PX_OFFSET(EmbeddingParams, width, 8);
PX_OFFSET(EmbeddingParams, vocab, 16);
PX_OFFSET(EmbeddingParams, lanes, 24);
PX_SIZE(EmbeddingParams, 32);
PX_ALIGN(EmbeddingParams, 8);

// write_cache_rows (gather.cl): rows = batch * heads * tokens; lanes as above.
typedef struct CacheParams {
    ulong rows;
    ulong heads;
    ulong tokens;
    ulong capacity;
    ulong width;
    uint lanes;
} CacheParams;
PX_OFFSET(CacheParams, rows, 0);
PX_OFFSET(CacheParams, heads, 8);
PX_OFFSET(CacheParams, tokens, 16);
PX_OFFSET(CacheParams, capacity, 24);
PX_OFFSET(CacheParams, width, 32);
PX_OFFSET(CacheParams, lanes, 40);
PX_SIZE(CacheParams, 48);
PX_ALIGN(CacheParams, 8);

// rope_halves and rope_interleaved (rope.cl): items = batch * seq * ceil(heads / heads_per_item) *
// chunks of pairs; positions_batched is 0 or 1.
typedef struct RopeParams {
    ulong heads;
    ulong seq;
    ulong dim;
    ulong pairs;
    ulong items;
    uint heads_per_item;
    uint positions_batched;
} RopeParams;
PX_OFFSET(RopeParams, heads, 0);
PX_OFFSET(RopeParams, seq, 8);
PX_OFFSET(RopeParams, dim, 16);
PX_OFFSET(RopeParams, pairs, 24);
PX_OFFSET(RopeParams, items, 32);
PX_OFFSET(RopeParams, heads_per_item, 40);
PX_OFFSET(RopeParams, positions_batched, 44);
PX_SIZE(RopeParams, 48);
PX_ALIGN(RopeParams, 8);

// permute_u1, _u2, _u4, _u8, _u16 (permute.cl): out (contiguous, in units of 1 to 16 bytes) is the
// merged permutation of x over 8 dimensions, size0 the innermost of out (fastest varying), each with
// the stride of x (in units) that it walks; unused dimensions have size 1 and stride 0. The unit
// count is the product of the sizes (the struct fills ClArgs' 128-byte slot exactly).
typedef struct PermuteParams {
    ulong size0;
    ulong size1;
    ulong size2;
    ulong size3;
    ulong size4;
    ulong size5;
    ulong size6;
    ulong size7;
    ulong stride0;
    ulong stride1;
    ulong stride2;
    ulong stride3;
    ulong stride4;
    ulong stride5;
    ulong stride6;
    ulong stride7;
} PermuteParams;
PX_OFFSET(PermuteParams, size0, 0);
PX_OFFSET(PermuteParams, size1, 8);
PX_OFFSET(PermuteParams, size2, 16);
PX_OFFSET(PermuteParams, size3, 24);
PX_OFFSET(PermuteParams, size4, 32);
PX_OFFSET(PermuteParams, size5, 40);
PX_OFFSET(PermuteParams, size6, 48);
PX_OFFSET(PermuteParams, size7, 56);
PX_OFFSET(PermuteParams, stride0, 64);
PX_OFFSET(PermuteParams, stride1, 72);
PX_OFFSET(PermuteParams, stride2, 80);
PX_OFFSET(PermuteParams, stride3, 88);
PX_OFFSET(PermuteParams, stride4, 96);
PX_OFFSET(PermuteParams, stride5, 104);
PX_OFFSET(PermuteParams, stride6, 112);
PX_OFFSET(PermuteParams, stride7, 120);
PX_SIZE(PermuteParams, 128);
PX_ALIGN(PermuteParams, 8);

// grouped_matmul (moe.cl): x [rows, inner] by w [groups, cols, inner] into out [rows, cols].
typedef struct GroupedParams {
    ulong rows;
    ulong cols;
    ulong inner;
    ulong groups;
} GroupedParams;
PX_OFFSET(GroupedParams, rows, 0);
PX_OFFSET(GroupedParams, cols, 8);
PX_OFFSET(GroupedParams, inner, 16);
PX_OFFSET(GroupedParams, groups, 24);
PX_SIZE(GroupedParams, 32);
PX_ALIGN(GroupedParams, 8);

// moe_align, moe_gate_up, moe_combine (moe.cl): pairs = tokens * k.
typedef struct MoeParams {
    ulong tokens;
    ulong hidden;
    ulong ffn;
    ulong experts;
    ulong pairs;
    uint k;
} MoeParams;
PX_OFFSET(MoeParams, tokens, 0);
PX_OFFSET(MoeParams, hidden, 8);
PX_OFFSET(MoeParams, ffn, 16);
PX_OFFSET(MoeParams, experts, 24);
PX_OFFSET(MoeParams, pairs, 32);
PX_OFFSET(MoeParams, k, 40);
PX_SIZE(MoeParams, 48);
PX_ALIGN(MoeParams, 8);

// The INT8 family (int8.cl). quantize_rows and dequantize: rows x cols, quantize_rows with
// threads_per_row work-items per row (a power of two, 1 to 256); the products: x [rows, inner]
// by values [groups, cols, inner] (groups 0 for a plain matmul, one weight), a8 1 for W8A8 (the
// integer products), 0 for W8A16.
typedef struct Int8Params {
    ulong rows;
    ulong cols;
    ulong inner;
    ulong groups;
    uint a8;
    uint threads_per_row;
} Int8Params;
PX_OFFSET(Int8Params, rows, 0);
PX_OFFSET(Int8Params, cols, 8);
PX_OFFSET(Int8Params, inner, 16);
PX_OFFSET(Int8Params, groups, 24);
PX_OFFSET(Int8Params, a8, 32);
PX_OFFSET(Int8Params, threads_per_row, 36);
PX_SIZE(Int8Params, 40);
PX_ALIGN(Int8Params, 8);

#endif
