// What the GEMM kernels of gemm.cu (mma.sync, CUDA cores) and gemm_wgmma.cu (wgmma) share: the
// parameter struct (GemmParams of params.cuh, which one Java layout, CudaGemm.PARAMS, fills for
// both) and the order in which a block walks its output tiles.
#pragma once
#include "common.cuh"
#include "params.cuh"

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
