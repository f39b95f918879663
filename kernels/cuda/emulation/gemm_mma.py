"""Emulates gemm.cu's mma mainloop data flow (tile loads, swizzles, ldmatrix addressing, fragment
order, epilogue) for every transpose and awkward shapes; compares with numpy."""
import numpy as np, itertools, sys
from warp import ldmatrix_x4, mma
BM = BN = 128; BK = 32; THREADS = 256
TILE_BYTES = BM * BK * 2

def off_rows_by_k(r, c): return r * 64 + ((c ^ ((r >> 1) & 3)) << 4)
def off_k_by_cols(r, c): return r * 256 + ((c ^ (r & 7)) << 4)

def load_tile(smem, sTile, g, ld, rowBase, rowLimit, colBase, colLimit, KMAJOR):
    written = set()
    for tid in range(THREADS):
        for i in range(2):
            q = tid + i * THREADS
            r = q >> 4 if KMAJOR else q >> 2
            c = q & 15 if KMAJOR else q & 3
            dst = sTile + (off_k_by_cols(r, c) if KMAJOR else off_rows_by_k(r, c))
            assert dst % 16 == 0 and dst not in written
            written.add(dst)
            row, col = rowBase + r, colBase + c * 8
            for j in range(8):
                smem[(dst >> 1) + j] = g[row * ld + col + j] if (row < rowLimit and col + j < colLimit) else 0.0
    assert len(written) == 512

def gemm(A, B, M, N, K, TA, TB):
    lda = M if TA else K; ldb = K if TB else N
    C = np.zeros((M, N))
    smem = np.zeros(2 * TILE_BYTES // 2)
    sA, sB = 0, TILE_BYTES
    tilesM, tilesN = -(-M // BM), -(-N // BN)
    for tm in range(tilesM):
        for tn in range(tilesN):
            m0, n0 = tm * BM, tn * BN
            acc = np.zeros((8, 4, 4, 32, 4))  # warp, i, j, lane, e
            for kt in range(-(-K // BK)):
                k0 = kt * BK
                if TA: load_tile(smem, sA, A, lda, k0, K, m0, M, True)
                else: load_tile(smem, sA, A, lda, m0, M, k0, K, False)
                if TB: load_tile(smem, sB, B, ldb, n0, N, k0, K, False)
                else: load_tile(smem, sB, B, ldb, k0, K, n0, N, True)
                for warp in range(8):
                    warpM, warpN = warp >> 2, warp & 3
                    for kk in (0, 16):
                        af = []
                        for i in range(4):
                            mRow = warpM * 64 + i * 16
                            addrs = []
                            for lane in range(32):
                                if TA:
                                    q = lane >> 3
                                    kr = kk + ((q >> 1) << 3) + (lane & 7)
                                    mc = (mRow + ((q & 1) << 3)) >> 3
                                    addrs.append(sA + off_k_by_cols(kr, mc))
                                else:
                                    r = mRow + (lane & 15); c = (kk >> 3) + (lane >> 4)
                                    addrs.append(sA + off_rows_by_k(r, c))
                            af.append(ldmatrix_x4(smem, addrs, TA))
                        bf = [None] * 4
                        for j in range(2):
                            nCol = warpN * 32 + j * 16
                            addrs = []
                            for lane in range(32):
                                q = lane >> 3
                                if TB:
                                    r = nCol + ((q >> 1) << 3) + (lane & 7); c = (kk >> 3) + (q & 1)
                                    addrs.append(sB + off_rows_by_k(r, c))
                                else:
                                    kr = kk + ((q & 1) << 3) + (lane & 7); nc = (nCol + ((q >> 1) << 3)) >> 3
                                    addrs.append(sB + off_k_by_cols(kr, nc))
                            regs = ldmatrix_x4(smem, addrs, not TB)
                            bf[2 * j] = (regs[:, 0], regs[:, 1]); bf[2 * j + 1] = (regs[:, 2], regs[:, 3])
                        for i in range(4):
                            for j in range(4):
                                mma(acc[warp, i, j], af[i], bf[j][0], bf[j][1])
            for warp in range(8):
                warpM, warpN = warp >> 2, warp & 3
                for lane in range(32):
                    g, t4 = lane >> 2, lane & 3
                    for i in range(4):
                        for h in range(2):
                            row = m0 + warpM * 64 + i * 16 + g + 8 * h
                            if row >= M: continue
                            for j in range(4):
                                col = n0 + warpN * 32 + j * 8 + 2 * t4
                                for e in range(2):
                                    if col + e < N:
                                        C[row, col + e] += acc[warp, i, j, lane, 2 * h + e]
    return C

rng = np.random.default_rng(7)
for (M, N, K) in [(33, 7, 40)] if len(sys.argv) > 1 else [(33, 7, 40), (130, 129, 17), (1, 1, 1), (16, 136, 64)]:
    for TA, TB in itertools.product([False, True], repeat=2):
        a = rng.integers(-4, 5, size=(M, K)).astype(float); b = rng.integers(-4, 5, size=(K, N)).astype(float)
        A = (a.T if TA else a).ravel(); B = (b.T if TB else b).ravel()
        C = gemm(A, B, M, N, K, TA, TB)
        ok = np.array_equal(C, a @ b)
        print(f"M={M} N={N} K={K} transA={TA} transB={TB}: {'OK' if ok else 'MISMATCH'}", flush=True)
        if not ok: sys.exit(1)
