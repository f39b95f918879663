// GEMM on Hopper's warpgroup tensor-core instruction (wgmma), sm_90a only, OPT-IN:
// c[b] = alpha * op(a[b]) @ op(b[b or shared]) + beta * c[b], the semantics of gemm.cu (its
// header says them in full: transposes, strideB, beta == 0 ignores c, K == 0, any M, N, K).
//
//   gemm_bf16_wgmma  BF16 / F16 inputs, F32 accumulation, c F32 or the input dtype (cF32).
//   gemm_f16_wgmma   128x256x64 block tile, 2 warpgroups (256 threads), each computing 64x256 with
//                    wgmma.mma_async.m64n256k16 (128 F32 accumulators per thread) from operands in
//                    shared memory, 128-byte swizzled; a 4-stage cp.async pipeline (zero-fill on
//                    tails) keeps 2 tiles in flight while one wgmma batch runs behind the next.
//                    16-byte cp.async needs the contiguous dimension a multiple of 8 (and 16-byte
//                    aligned bases), otherwise the same stages are filled with scalar loads.
// The Java side picks these only when -Dpanamax.cuda.gemm=wgmma, the device is compute capability
// 9.0 and the driver loaded the sm_90a cubin (the arch probe says so); otherwise gemm.cu's mma.sync
// kernels run. Every other target of the fatbin compiles a body that traps: never launched there.
// Future work: TMA (cp.async.bulk.tensor + mbarrier, cuTensorMapEncodeTiled on the host) and a
// producer warp instead of every thread issuing cp.async; a persistent tile scheduler.
//
// Shared-memory operand layouts (PTX ISA 9.7.15.5.1.2 "Shared Memory Matrix Layout", canonical
// layouts of 9.7.15.5.1.2.1.3 with 128-byte swizzling, T = 8 16-bit elements per 16 bytes):
//   K-major  (A stored [M, K], B stored [N, K]): the tile is [rows][64 k], 128-byte rows, the
//            16-byte chunk c (k = 8c..8c+7) of row r at r*128 + ((c ^ (r & 7)) << 4). Canonical
//            ((8,m),(T,2k)):((8T,SBO),(1,T)): 8-row groups SBO = 1024 bytes apart; LBO unused for
//            swizzled K-major ("assumed 1", 9.7.15.5.1.2.1.1). The k16 step s starts at +32*s bytes.
//   MN-major (A stored [K, M], B stored [K, N]; imm-trans 1): the tile is [rows/64 panels][64 k][64
//            m or n], a panel [64 k][64] of 128-byte k-rows, the chunk c (mn = 8c..8c+7 in the panel)
//            of k-row r at r*128 + ((c ^ (r & 7)) << 4). Canonical ((T,8,m),(8,k)):((1,T,LBO),(8T,SBO)):
//            64-wide mn panels LBO = 64*128 = 8192 bytes apart, 8-k groups SBO = 1024 bytes apart.
//            The k16 step s starts at +2048*s bytes (16 k-rows).
// The swizzle XORs address bits [4,7) with bits [7,10) of the absolute shared address, which is
// why every tile starts on a 1024-byte boundary (then the descriptor's base offset is 0).
// Matrix descriptor (9.7.15.5.1.2.2), a u64: bits 0-13 start address >> 4, 16-29 LBO >> 4,
// 32-45 SBO >> 4, 49-51 base offset (0 here), 62-63 swizzle mode (1 = 128-byte).
// Accumulator fragment (9.7.15.5.1.1.1, Figure "WGMMA .m64nNk16 register fragment layout for
// accumulator matrix D"): thread t of the warpgroup, warp w = t / 32, g = (t % 32) / 4, q = t % 4:
// d[4j + 2h + e] = D[16w + g + 8h][8j + 2q + e] for j < N/8, h, e in {0, 1}.
// Ordering: wgmma reads shared memory in the async proxy (9.7.15.4 "Async Proxy") and cp.async
// writes it in the generic proxy, so each thread issues fence.proxy.async.shared::cta after its
// copies land and before the barrier that publishes them; wgmma.fence precedes each batch, batches
// are committed (wgmma.commit_group) and waited for with wgmma.wait_group (9.7.15.7.1-3); the
// completion of a wgmma is followed by an implicit async-to-generic fence (9.7.15.4), so a stage
// whose batch has been waited for may be refilled. Section numbers: PTX ISA 9.1.
// The CUDA emulator (java/src/test/native/cuda/emu) runs this kernel with these layouts, descriptors
// and fragments modelled from the same PTX ISA sections (CudaEmulatedWgmmaGemmTest).
#include "gemm_common.cuh"

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900 && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define PX_WGMMA 1
#endif


namespace {
namespace wg {

constexpr int BM = 128, BN = 256, BK = 64, THREADS = 256, STAGES = 4;
constexpr int A_BYTES = BM * BK * 2;               // 16 KiB
constexpr int B_BYTES = BN * BK * 2;               // 32 KiB
constexpr int STAGE_BYTES = A_BYTES + B_BYTES;     // 48 KiB, a multiple of 1024
constexpr int ALIGN = 1024;                        // the 128-byte swizzle pattern repeats every 1024 bytes
constexpr int SMEM_BYTES = STAGES * STAGE_BYTES + ALIGN;  // + room to round the base up to 1024
PX_SMEM(gemm_wgmma, 197632, SMEM_BYTES);

#ifdef PX_WGMMA

constexpr uint32_t ROW_BYTES = 128;                // one swizzled row: 64 16-bit elements
constexpr uint32_t GROUP_BYTES = 8 * ROW_BYTES;    // SBO: 8 rows (K-major) or 8 k-rows (MN-major)
constexpr uint32_t PANEL_BYTES = BK * ROW_BYTES;   // LBO of MN-major tiles: one [64 k][64 mn] panel

static_assert(STAGE_BYTES % ALIGN == 0 && A_BYTES % ALIGN == 0, "tiles must start on 1024-byte boundaries");

// K-major tile [rows][64 k]: chunk c (8 k) of row r.
__device__ __forceinline__ uint32_t off_k_major(int r, int c) { return r * ROW_BYTES + ((c ^ (r & 7)) << 4); }
// MN-major tile [64 k][rows]: chunk c (8 m or n) of k-row r, in panel c / 8.
__device__ __forceinline__ uint32_t off_mn_major(int r, int c) {
    return (c >> 3) * PANEL_BYTES + r * ROW_BYTES + (((c & 7) ^ (r & 7)) << 4);
}

// Fills one operand tile of ROWS (m or n) x 64 (k) for one k-tile. The stored matrix is [rows][ld]
// with rows < rowLimit and contiguous index < colLimit. KMAJOR: stored rows are m or n (rowBase =
// the tile's m0 or n0, colBase = k0); else stored rows are k (rowBase = k0, colBase = m0 or n0).
// vec: 16-byte cp.async with zero fill (the contiguous dimension is a multiple of 8, so a chunk is
// wholly in or out); else synchronous scalar loads and one 16-byte shared store per chunk.
template <typename T, bool KMAJOR, int ROWS>
__device__ __forceinline__ void load_tile(uint32_t sTile, const T* g, i64 ld, i64 rowBase, i64 rowLimit, i64 colBase,
                                          i64 colLimit, bool vec) {
    constexpr int PER_ROW = KMAJOR ? BK / 8 : ROWS / 8;  // 16-byte chunks along a stored row
#pragma unroll
    for (int i = 0; i < ROWS * BK / 8 / THREADS; i++) {
        const int q = threadIdx.x + i * THREADS;
        const int r = q / PER_ROW, c = q % PER_ROW;
        const uint32_t dst = sTile + (KMAJOR ? off_k_major(r, c) : off_mn_major(r, c));
        const i64 row = rowBase + r, col = colBase + c * 8;
        const T* src = (row < rowLimit && col < colLimit) ? g + row * ld + col : nullptr;
        px::chunk16_to_shared(dst, src, colLimit - col, vec, g);
    }
}

// The shared-memory matrix descriptor of 9.7.15.5.1.2.2 with 128-byte swizzling and base offset 0.
__device__ __forceinline__ u64 descriptor(uint32_t start, uint32_t lbo, uint32_t sbo) {
    return (u64)((start & 0x3FFFF) >> 4) | ((u64)((lbo & 0x3FFFF) >> 4) << 16) |
           ((u64)((sbo & 0x3FFFF) >> 4) << 32) | (1ull << 62);
}

// The descriptor of the k16 step s of a tile starting at sTile (warpgroup offset included).
template <bool KMAJOR>
__device__ __forceinline__ u64 step_descriptor(uint32_t sTile, int s) {
    return KMAJOR ? descriptor(sTile + 32 * s, 16, GROUP_BYTES)
                  : descriptor(sTile + 2 * GROUP_BYTES * s, PANEL_BYTES, GROUP_BYTES);
}

// Two neighbouring elements (idx, idx + 1) of row-major c: alpha * acc + beta * old (beta == 0
// never reads c). pair: both exist and idx is even in a 4-byte aligned c (one 8- or 4-byte access).
template <typename CT>
__device__ __forceinline__ void store_pair(CT* c, i64 idx, float v0, float v1, bool second, bool pair, float alpha,
                                           float beta) {
    v0 *= alpha;
    v1 *= alpha;
    if (pair) {
        if constexpr (sizeof(CT) == 4) {
            float2 o = make_float2(v0, v1);
            if (beta != 0.0f) {
                const float2 old = *reinterpret_cast<const float2*>(c + idx);
                o.x += beta * old.x;
                o.y += beta * old.y;
            }
            *reinterpret_cast<float2*>(c + idx) = o;
        } else {
            if (beta != 0.0f) {
                v0 += beta * px::to_f32(c[idx]);
                v1 += beta * px::to_f32(c[idx + 1]);
            }
            *reinterpret_cast<uint32_t*>(c + idx) = px::Mma<CT>::pack(v0, v1);
        }
        return;
    }
    if (beta != 0.0f) v0 += beta * px::to_f32(c[idx]);
    c[idx] = px::from_f32<CT>(v0);
    if (second) {
        if (beta != 0.0f) v1 += beta * px::to_f32(c[idx + 1]);
        c[idx + 1] = px::from_f32<CT>(v1);
    }
}

#ifndef PANAMAX_EMU

// Keeps the compiler from moving reads or writes of the accumulators across the asynchronous
// wgmma window (the registers are written by the tensor cores until wgmma.wait_group returns).
__device__ __forceinline__ void fence_accumulators(float* d) {
#pragma unroll
    for (int i = 0; i < 128; i++) asm volatile("" : "+f"(d[i])::"memory");
}

__device__ __forceinline__ void fence_proxy_async() { asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int N>
__device__ __forceinline__ void wgmma_wait() { asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory"); }

#define PX_D8(i) "+f"(d[i]), "+f"(d[i + 1]), "+f"(d[i + 2]), "+f"(d[i + 3]), "+f"(d[i + 4]), "+f"(d[i + 5]), \
                 "+f"(d[i + 6]), "+f"(d[i + 7])
#define PX_WGMMA_M64N256K16(ty)                                                                                      \
    asm volatile(                                                                                                    \
        "{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"                                                                \
        "wgmma.mma_async.sync.aligned.m64n256k16.f32." ty "." ty " {"                                                \
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "                                     \
        "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "                           \
        "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "                           \
        "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, "                           \
        "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, "                           \
        "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, "                           \
        "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, "               \
        "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127}, "          \
        "%128, %129, p, 1, 1, %131, %132;\n}\n"                                                                      \
        : PX_D8(0), PX_D8(8), PX_D8(16), PX_D8(24), PX_D8(32), PX_D8(40), PX_D8(48), PX_D8(56), PX_D8(64),          \
          PX_D8(72), PX_D8(80), PX_D8(88), PX_D8(96), PX_D8(104), PX_D8(112), PX_D8(120)                            \
        : "l"(descA), "l"(descB), "n"(1), "n"(A_MN ? 1 : 0), "n"(B_MN ? 1 : 0))

#else  // PANAMAX_EMU: the emulator's twins (java/src/test/native/cuda/emu/emu_api.h); the fences order nothing there

__device__ __forceinline__ void fence_accumulators(float*) {}
__device__ __forceinline__ void fence_proxy_async() {}
__device__ __forceinline__ void wgmma_fence() {}
__device__ __forceinline__ void wgmma_commit() { px_emu_wgmma_commit(); }
template <int N>
__device__ __forceinline__ void wgmma_wait() { px_emu_wgmma_wait(N); }
#define PX_WGMMA_M64N256K16(ty) \
    px_emu_wgmma_m64n256k16(ty[0] == 'b' ? 0 : 1, d, descA, descB, A_MN ? 1 : 0, B_MN ? 1 : 0, __FILE__, __LINE__)

#endif  // PANAMAX_EMU

// d (64 x 256 F32 per warpgroup) += A (64 x 16) @ B (16 x 256), both from shared memory.
// A_MN / B_MN: the operand is MN-major (imm-trans-a / imm-trans-b 1: A stored [K, M], B stored
// [K, N]) rather than K-major (0: A stored [M, K], B stored [N, K]). scale-d is 1: accumulate (d
// starts at zero); imm-scale-a and imm-scale-b are 1 (no negation).
template <typename T, bool A_MN, bool B_MN> struct Wgmma;

template <bool A_MN, bool B_MN> struct Wgmma<__nv_bfloat16, A_MN, B_MN> {
    static __device__ __forceinline__ void run(float* d, u64 descA, u64 descB) { PX_WGMMA_M64N256K16("bf16"); }
};

template <bool A_MN, bool B_MN> struct Wgmma<__half, A_MN, B_MN> {
    static __device__ __forceinline__ void run(float* d, u64 descA, u64 descB) { PX_WGMMA_M64N256K16("f16"); }
};
#undef PX_WGMMA_M64N256K16
#undef PX_D8

template <typename T, bool TA, bool TB>
__device__ void mainloop(const GemmParams& p, uint32_t sBase) {
    const i64 M = p.m, N = p.n, K = p.k;
    const i64 lda = TA ? M : K, ldb = TB ? K : N;
    const T* A0 = reinterpret_cast<const T*>(p.a);
    const T* B0 = reinterpret_cast<const T*>(p.b);
    const bool vecA = px::aligned16(A0) && lda % 8 == 0;
    const bool vecB = px::aligned16(B0) && ldb % 8 == 0 && p.strideB % 8 == 0;
    const i64 tilesM = (M + BM - 1) / BM, tilesN = (N + BN - 1) / BN;
    const i64 items = p.batch * tilesM * tilesN;
    const i64 kTiles = (K + BK - 1) / BK;
    const int group = threadIdx.x >> 7;  // warpgroup: rows 64 * group .. + 63 of the block tile
    const int warp = (threadIdx.x >> 5) & 3, lane = threadIdx.x & 31;
    const int g = lane >> 2, q4 = lane & 3;
    // The A rows of this warpgroup: 64 K-major rows of 128 bytes, or MN-major panel `group`; 8 KiB either way.
    const uint32_t aGroup = group * (64 * ROW_BYTES);

    for (i64 w = blockIdx.x; w < items; w += gridDim.x) {
        const TileCoord t = tile_of(w, tilesM, tilesN);
        const i64 batch = t.batch;
        const T* A = A0 + batch * M * K;
        const T* B = B0 + batch * p.strideB;
        const i64 m0 = t.tm * BM, n0 = t.tn * BN;

        auto load_stage = [&](int stage, i64 kt) {
            const uint32_t sA = sBase + stage * STAGE_BYTES, sB = sA + A_BYTES;
            const i64 k0 = kt * BK;
            if (TA) load_tile<T, false, BM>(sA, A, lda, k0, K, m0, M, vecA);
            else load_tile<T, true, BM>(sA, A, lda, m0, M, k0, K, vecA);
            if (TB) load_tile<T, true, BN>(sB, B, ldb, n0, N, k0, K, vecB);
            else load_tile<T, false, BN>(sB, B, ldb, k0, K, n0, N, vecB);
        };

        float d[128];
#pragma unroll
        for (int i = 0; i < 128; i++) d[i] = 0.f;

        __syncthreads();  // the previous item's reads of every stage are done
#pragma unroll
        for (int s = 0; s < STAGES - 2; s++) {
            if (s < kTiles) load_stage(s, s);
            px::cp_async_commit();  // one group per tile, empty or not, so the wait count holds
        }
        for (i64 kt = 0; kt < kTiles; kt++) {
            // Committed so far: STAGES - 2 + kt groups, group j holding tile j; STAGES - 3 pending
            // means tile kt has landed for this thread. Its proxy fence makes those writes visible
            // to wgmma; the barrier publishes every thread's part and proves that every warpgroup
            // has finished batch kt - 2 (each waited for it at the end of iteration kt - 1), whose
            // stage is refilled next. Batch kt - 1 may still run: its stage is left alone.
            px::cp_async_wait<STAGES - 3>();
            fence_proxy_async();
            __syncthreads();
            const i64 next = kt + STAGES - 2;
            if (next < kTiles) load_stage((int)(next % STAGES), next);
            px::cp_async_commit();

            const uint32_t sA = sBase + (int)(kt % STAGES) * STAGE_BYTES + aGroup;
            const uint32_t sB = sBase + (int)(kt % STAGES) * STAGE_BYTES + A_BYTES;
            fence_accumulators(d);
            wgmma_fence();
#pragma unroll
            for (int s = 0; s < BK / 16; s++) {
                // A is MN-major when stored [K, M] (transA); B when stored [K, N] (not transB).
                Wgmma<T, TA, !TB>::run(d, step_descriptor<!TA>(sA, s), step_descriptor<TB>(sB, s));
            }
            wgmma_commit();
            wgmma_wait<1>();
            fence_accumulators(d);
        }
        wgmma_wait<0>();
        fence_accumulators(d);
        px::cp_async_wait_all();  // only empty groups can be pending here; keeps the invariant obvious

        // d[4j + 2h + e] is row m0 + 64 * group + 16 * warp + g + 8h, column n0 + 8j + 2 * q4 + e.
        // A pair starts at an even column; with N even, (row * N + col) is even too.
        const bool pairs = N % 2 == 0 && px::aligned16(reinterpret_cast<const void*>(p.c));
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const i64 row = m0 + 64 * group + 16 * warp + g + 8 * h;
            if (row >= M) continue;
#pragma unroll
            for (int j = 0; j < BN / 8; j++) {
                const i64 col = n0 + 8 * j + 2 * q4;
                if (col >= N) continue;
                const i64 idx = (batch * M + row) * N + col;
                const bool second = col + 1 < N;
                const float v0 = d[4 * j + 2 * h], v1 = d[4 * j + 2 * h + 1];
                if (p.cF32) {
                    store_pair(reinterpret_cast<float*>(p.c), idx, v0, v1, second, pairs && second, p.alpha, p.beta);
                } else {
                    store_pair(reinterpret_cast<T*>(p.c), idx, v0, v1, second, pairs && second, p.alpha, p.beta);
                }
            }
        }
    }
}

template <typename T>
__device__ void body(const GemmParams& p) {
    extern __shared__ __align__(128) unsigned char smem[];
    // Round the dynamic shared memory up to the swizzle pattern's 1024-byte period (SMEM_BYTES has room).
    const uint32_t raw = px::smem_addr(smem);
    const uint32_t sBase = (raw + ALIGN - 1) & ~(uint32_t)(ALIGN - 1);
    if (p.transA) {
        if (p.transB) mainloop<T, true, true>(p, sBase);
        else mainloop<T, true, false>(p, sBase);
    } else {
        if (p.transB) mainloop<T, false, true>(p, sBase);
        else mainloop<T, false, false>(p, sBase);
    }
}

#else  // every other target: never selected (CudaGemm checks the loaded code first)

template <typename T>
__device__ void body(const GemmParams&) {
    __trap();
}

#endif

}  // namespace wg
}  // namespace

extern "C" __global__ void __launch_bounds__(wg::THREADS, 1) gemm_bf16_wgmma(const GemmParams p) {
    wg::body<__nv_bfloat16>(p);
}

extern "C" __global__ void __launch_bounds__(wg::THREADS, 1) gemm_f16_wgmma(const GemmParams p) {
    wg::body<__half>(p);
}
