// What the GEMM kernels of gemm.cu (mma.sync, CUDA cores) and gemm_wgmma.cu (wgmma) share: the
// parameter struct, which one Java layout (CudaKernels.GEMM) packs for both, and the order in
// which a block walks its output tiles.
#pragma once
#include "common.cuh"

// Layout pinned below and in CudaKernels (GEMM): 88 bytes.
struct GemmParams {
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
    int cF32;       // 1: c is F32; 0: c has the dtype of a (mma variants only)
};
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

namespace {

constexpr int kGroupM = 8;

// The (batch, tile row, tile column) of work item w, tiles grouped by kGroupM tile-rows.
struct TileCoord {
    i64 batch, tm, tn;
};

__device__ __forceinline__ TileCoord tile_of(i64 w, i64 tilesM, i64 tilesN) {
    const i64 perBatch = tilesM * tilesN;
    TileCoord t;
    t.batch = w / perBatch;
    const i64 id = w - t.batch * perBatch;
    const i64 perGroup = (i64)kGroupM * tilesN;
    const i64 firstM = (id / perGroup) * kGroupM;
    const i64 groupRows = min((i64)kGroupM, tilesM - firstM);
    const i64 inGroup = id % perGroup;
    t.tm = firstM + inGroup % groupRows;
    t.tn = inGroup / groupRows;
    return t;
}

}  // namespace
