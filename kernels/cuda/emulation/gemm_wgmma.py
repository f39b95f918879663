"""Emulates gemm_wgmma.cu on numpy: the swizzled tile loads, the 64-bit shared-memory matrix
descriptors, how wgmma.mma_async reads K-major and MN-major operands through them (the canonical
layouts of PTX ISA 9.7.15.5.1.2 with 128-byte swizzling), the accumulator fragment of m64nNk16
(9.7.15.5.1.1.1), the 4-stage pipeline's stage choice and the epilogue (pairs, tails, beta == 0
ignoring a NaN c, K == 0, batches with b shared or not). Compares with a float64 product.

What it cannot check: the hardware itself. The model of the reads below is this reading of the
PTX ISA (byte address of element (mn, k) from start / LBO / SBO, then address bits [4,7) XOR
bits [7,10)); the GPU test CudaWgmmaGemmTest is what confirms it on an H100/H200."""
import itertools
import sys

import numpy as np

BM, BN, BK, THREADS, STAGES = 128, 256, 64, 256, 4
A_BYTES, B_BYTES = BM * BK * 2, BN * BK * 2
STAGE_BYTES = A_BYTES + B_BYTES
ALIGN = 1024
SMEM_BYTES = STAGES * STAGE_BYTES + ALIGN
ROW_BYTES, GROUP_BYTES, PANEL_BYTES = 128, 8 * 128, BK * 128
KGROUP_M = 8
assert SMEM_BYTES == 197632  # PX_SMEM(gemm_wgmma, ...)


# ---------------------------------------------------------------- the kernel's formulas

def off_k_major(r, c):
    return r * ROW_BYTES + ((c ^ (r & 7)) << 4)


def off_mn_major(r, c):
    return (c >> 3) * PANEL_BYTES + r * ROW_BYTES + (((c & 7) ^ (r & 7)) << 4)


def load_tile(smem, sTile, g, ld, rowBase, rowLimit, colBase, colLimit, kmajor, rows):
    """load_tile<T, KMAJOR, ROWS>: every thread's chunks at once; smem is a u16 array (by element)."""
    per_row = BK // 8 if kmajor else rows // 8
    q = np.arange(rows * BK // 8)  # threadIdx.x + i * THREADS over all (thread, i)
    assert len(q) == THREADS * (rows * BK // 8 // THREADS)
    r, c = q // per_row, q % per_row
    dst = sTile + (off_k_major(r, c) if kmajor else off_mn_major(r, c))
    assert (dst % 16 == 0).all() and len(set(dst.tolist())) == len(dst), "chunks overlap"
    assert dst.min() >= sTile and dst.max() + 16 <= sTile + rows * BK * 2, "chunk outside the tile"
    # each 8-lane phase of a warp stores 8 distinct 16-byte bank groups (no conflicts)
    for p in range(0, len(dst), 8):
        assert len({(a // 16) % 8 for a in dst[p:p + 8].tolist()}) == 8, "shared store bank conflict"
    row, col = rowBase + r, colBase + c * 8
    for j in range(8):
        ok = (row < rowLimit) & (col + j < colLimit)
        src = np.where(ok, row * ld + col + j, 0)
        smem[dst // 2 + j] = np.where(ok, g[src], 0.0)


def descriptor(start, lbo, sbo):
    return ((start & 0x3FFFF) >> 4) | (((lbo & 0x3FFFF) >> 4) << 16) | (((sbo & 0x3FFFF) >> 4) << 32) | (1 << 62)


def step_descriptor(kmajor, sTile, s):
    return descriptor(sTile + 32 * s, 16, GROUP_BYTES) if kmajor else descriptor(sTile + 2 * GROUP_BYTES * s, PANEL_BYTES, GROUP_BYTES)


def tile_of(w, tilesM, tilesN):
    perBatch = tilesM * tilesN
    batch = w // perBatch
    i = w - batch * perBatch
    perGroup = KGROUP_M * tilesN
    firstM = (i // perGroup) * KGROUP_M
    rows = min(KGROUP_M, tilesM - firstM)
    inGroup = i % perGroup
    return batch, firstM + inGroup % rows, inGroup // rows


# ---------------------------------------------------------------- the hardware, as PTX ISA 9.7.15.5.1.2 reads

def wgmma_operand(smem, desc, rows, mn_major):
    """The [rows, 16] (m or n, k) operand a descriptor names: canonical layout, then the 128-byte swizzle."""
    start = (desc & 0x3FFF) << 4
    lbo = ((desc >> 16) & 0x3FFF) << 4
    sbo = ((desc >> 32) & 0x3FFF) << 4
    assert (desc >> 49) & 7 == 0 and desc >> 62 == 1, "base offset 0, 128-byte swizzle"
    i = np.arange(rows)[:, None]
    j = np.arange(16)[None, :]
    if mn_major:  # ((T,8,m),(8,k)):((1,T,LBO),(8T,SBO)), T = 8 elements: byte offsets
        addr = start + 2 * (i % 64) + (i // 64) * lbo + (j % 8) * 128 + (j // 8) * sbo
    else:         # ((8,m),(T,2k)):((8T,SBO),(1,T)); LBO unused ("assumed 1")
        assert lbo == 16
        addr = start + (i % 8) * 128 + (i // 8) * sbo + 2 * j
    phys = addr ^ (((addr >> 7) & 7) << 4)
    assert (phys % 2 == 0).all()
    return smem[phys // 2]


def wgmma_m64n256k16(d, smem, descA, descB, a_mn, b_mn):
    """d[128 threads][128] += A (64 x 16) @ B (16 x 256), accumulator fragment of 9.7.15.5.1.1.1."""
    A = wgmma_operand(smem, descA, 64, a_mn)       # [m, k]
    B = wgmma_operand(smem, descB, 256, b_mn).T    # [k, n]
    D = A @ B
    t = np.arange(128)
    w, g, q = t // 32, (t % 32) // 4, t % 4
    for j in range(32):
        for h in range(2):
            for e in range(2):
                d[:, 4 * j + 2 * h + e] += D[16 * w + g + 8 * h, 8 * j + 2 * q + e]


# ---------------------------------------------------------------- the mainloop and epilogue

def gemm(A0, B0, C0, batch, M, N, K, strideB, TA, TB, alpha, beta, cF32):
    lda, ldb = (M if TA else K), (K if TB else N)
    smem = np.full(SMEM_BYTES // 2, np.nan)  # never-written shared memory poisons the result
    sBase = 0  # the kernel rounds its base up to 1024; the emulator starts there
    tilesM, tilesN = -(-M // BM), -(-N // BN)
    kTiles = -(-K // BK)
    C = C0.copy()
    for w in range(batch * tilesM * tilesN):
        bi, tm, tn = tile_of(w, tilesM, tilesN)
        A = A0[bi * M * K:]
        B = B0[bi * strideB:]
        m0, n0 = tm * BM, tn * BN

        def load_stage(stage, kt):
            sA = sBase + stage * STAGE_BYTES
            sB = sA + A_BYTES
            k0 = kt * BK
            if TA:
                load_tile(smem, sA, A, lda, k0, K, m0, M, False, BM)
            else:
                load_tile(smem, sA, A, lda, m0, M, k0, K, True, BM)
            if TB:
                load_tile(smem, sB, B, ldb, n0, N, k0, K, True, BN)
            else:
                load_tile(smem, sB, B, ldb, k0, K, n0, N, False, BN)

        d = np.zeros((2, 128, 128))  # warpgroup, thread, accumulator
        for s in range(STAGES - 2):
            if s < kTiles:
                load_stage(s, s)
        for kt in range(kTiles):
            nxt = kt + STAGES - 2
            if nxt < kTiles:
                # the refilled stage is neither this batch's nor the one still in flight (kt - 1)
                assert nxt % STAGES not in (kt % STAGES, (kt - 1) % STAGES)
                # nor a tile still loading (kt + 1)
                assert nxt % STAGES != (kt + 1) % STAGES
                load_stage(nxt % STAGES, nxt)
            for group in range(2):
                sA = sBase + (kt % STAGES) * STAGE_BYTES + group * 64 * ROW_BYTES
                sB = sBase + (kt % STAGES) * STAGE_BYTES + A_BYTES
                for s in range(BK // 16):
                    wgmma_m64n256k16(d[group], smem, step_descriptor(not TA, sA, s), step_descriptor(TB, sB, s),
                                     TA, not TB)
        pairs = N % 2 == 0
        for group in range(2):
            for t in range(128):
                warp, lane = t // 32, t % 32
                g, q4 = lane // 4, lane % 4
                for h in range(2):
                    row = m0 + 64 * group + 16 * warp + g + 8 * h
                    if row >= M:
                        continue
                    for j in range(BN // 8):
                        col = n0 + 8 * j + 2 * q4
                        if col >= N:
                            continue
                        idx = (bi * M + row) * N + col
                        second = col + 1 < N
                        assert not (pairs and second) or idx % 2 == 0
                        for e, v in enumerate(d[group, t, 4 * j + 2 * h: 4 * j + 2 * h + 2]):
                            if e == 1 and not second:
                                continue
                            out = alpha * v
                            if beta != 0:
                                out += beta * C[idx + e]
                            C[idx + e] = out
    return C


def check(batch, M, N, K, TA, TB, bBatched, alpha, beta, rng):
    a = rng.integers(-4, 5, size=(batch, M, K)).astype(float)
    b = rng.integers(-4, 5, size=(batch if bBatched else 1, K, N)).astype(float)
    c0 = np.full(batch * M * N, np.nan) if beta == 0 else rng.integers(-4, 5, size=batch * M * N).astype(float)
    A = (a.transpose(0, 2, 1) if TA else a).ravel()
    B = (b.transpose(0, 2, 1) if TB else b).ravel()
    C = gemm(A, B, c0, batch, M, N, K, K * N if bBatched else 0, TA, TB, alpha, beta, True)
    want = alpha * np.einsum("bmk,bkn->bmn", a, np.broadcast_to(b, (batch, K, N))).ravel()
    if beta != 0:
        want = want + beta * c0
    ok = np.array_equal(C, want)
    print(f"batch={batch} M={M} N={N} K={K} transA={TA} transB={TB} bBatched={bBatched} alpha={alpha} beta={beta}: "
          f"{'OK' if ok else 'MISMATCH'}", flush=True)
    if not ok:
        bad = np.argwhere(C != want)[:5].ravel()
        print("  first bad flat indices", bad, "got", C[bad], "want", want[bad])
        sys.exit(1)


def main():
    rng = np.random.default_rng(11)
    # one descriptor, bit by bit (9.7.15.5.1.2.2): start 0x2400 >> 4, LBO 8192 >> 4, SBO 1024 >> 4, mode 1
    d = descriptor(0x2400, PANEL_BYTES, GROUP_BYTES)
    assert d & 0x3FFF == 0x240 and (d >> 16) & 0x3FFF == 512 and (d >> 32) & 0x3FFF == 64 and d >> 62 == 1
    assert (d >> 14) & 3 == 0 and (d >> 30) & 3 == 0 and (d >> 46) & 0xFFFF == 0
    quick = len(sys.argv) > 1 and sys.argv[1] == "quick"
    shapes = [(1, 70, 300, 130)] if quick else [(1, 70, 300, 130), (1, 1, 1, 1), (1, 200, 7, 65), (2, 129, 257, 64),
                                                (1, 7, 520, 200), (1, 33, 33, 0)]
    for (batch, M, N, K), (TA, TB) in itertools.product(shapes, itertools.product([False, True], repeat=2)):
        check(batch, M, N, K, TA, TB, False, 1.0, 0.0, rng)
    if not quick:
        for TA, TB in itertools.product([False, True], repeat=2):
            check(3, 65, 40, 70, TA, TB, True, 2.0, -1.0, rng)
            check(2, 65, 40, 70, TA, TB, False, -0.5, 0.0, rng)


if __name__ == "__main__":
    main()
