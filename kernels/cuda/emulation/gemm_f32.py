"""Emulates gemm.cu's gemm_f32_tiled thread mapping (load_tile/store_tile, 8x8 micro-tiles,
epilogue incl. beta) for every transpose and tails, batch with shared b."""
import numpy as np, itertools, sys
BM = BN = 128; BK = 8; LD = 132

def load4(g, ld, row, rowLimit, col, colLimit):
    return [g[row * ld + col + i] if row < rowLimit and col + i < colLimit else 0.0 for i in range(4)]

def load_tile(g, kMajor, ld, k0, K, r0, R, tid):
    if kMajor: return load4(g, ld, k0 + (tid >> 5), K, r0 + 4 * (tid & 31), R)
    return load4(g, ld, r0 + (tid >> 1), R, k0 + 4 * (tid & 1), K)

def store_tile(s, kMajor, v, tid):
    if kMajor:
        for i in range(4): s[(tid >> 5) * LD + 4 * (tid & 31) + i] = v[i]
    else:
        row, k = tid >> 1, 4 * (tid & 1)
        for i in range(4): s[(k + i) * LD + row] = v[i]

def gemm(A, B, C, M, N, K, TA, TB, alpha, beta):
    lda = M if TA else K; ldb = K if TB else N
    for tm in range(-(-M // BM)):
        for tn in range(-(-N // BN)):
            m0, n0 = tm * BM, tn * BN
            acc = np.zeros((256, 8, 8))
            for kt in range(-(-K // BK)):
                As = np.full(BK * LD, np.nan); Bs = np.full(BK * LD, np.nan)
                for tid in range(256):
                    store_tile(As, TA, load_tile(A, TA, lda, kt * BK, K, m0, M, tid), tid)
                    store_tile(Bs, not TB, load_tile(B, not TB, ldb, kt * BK, K, n0, N, tid), tid)
                for tid in range(256):
                    tx, ty = tid & 15, tid >> 4
                    for kk in range(BK):
                        av = [As[kk * LD + ty * 4 + i] for i in range(4)] + [As[kk * LD + 64 + ty * 4 + i] for i in range(4)]
                        bv = [Bs[kk * LD + tx * 4 + i] for i in range(4)] + [Bs[kk * LD + 64 + tx * 4 + i] for i in range(4)]
                        acc[tid] += np.outer(av, bv)
            for tid in range(256):
                tx, ty = tid & 15, tid >> 4
                for i in range(8):
                    row = m0 + (ty * 4 + i if i < 4 else 64 + ty * 4 + (i - 4))
                    if row >= M: continue
                    for h in range(2):
                        col = n0 + h * 64 + tx * 4
                        for j in range(4):
                            if col + j < N:
                                v = alpha * acc[tid, i, h * 4 + j]
                                if beta != 0: v += beta * C[row * N + col + j]
                                C[row * N + col + j] = v

rng = np.random.default_rng(2)
for (M, N, K) in [(33, 7, 13), (130, 129, 9), (1, 1, 0), (5, 200, 1)]:
    for TA, TB in itertools.product([False, True], repeat=2):
        a = rng.integers(-4, 5, size=(M, K)).astype(float); b = rng.integers(-4, 5, size=(K, N)).astype(float)
        c0 = rng.integers(-4, 5, size=(M, N)).astype(float)
        for alpha, beta in [(1.0, 0.0), (2.0, -1.0)]:
            C = c0.ravel().copy()
            if beta == 0: C[:] = np.nan  # beta == 0 must ignore c, NaN included
            gemm((a.T if TA else a).ravel(), (b.T if TB else b).ravel(), C, M, N, K, TA, TB, alpha, beta)
            ok = np.array_equal(C.reshape(M, N), alpha * (a @ b) + (beta * c0 if beta != 0 else 0))
            print(f"M={M} N={N} K={K} tA={TA} tB={TB} alpha={alpha} beta={beta}: {'OK' if ok else 'MISMATCH'}", flush=True)
            if not ok: sys.exit(1)
