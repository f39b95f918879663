"""Emulates attention.cu's mma body (work decomposition, GQA row packing, swizzled tiles, S = Q K^T
via ldmatrix + mma, masks, online softmax, P repacked as the A operand, O += P V via ldmatrix.trans,
split-KV partials and the combine) in float64, against a direct float64 reference."""
import numpy as np, math, sys
from warp import ldmatrix_x4, mma
BM = 64; THREADS = 128

def swz(DP, r, c): return r * (DP * 2) + ((c ^ (r & 7)) << 4)

def load_rows(smem, sTile, DP, nRows, rowPtr, D):
    CH = DP // 8
    for q in range(nRows * CH):
        r, c = q // CH, q % CH; col = c * 8
        src = rowPtr(r); dst = swz(DP, r, c)
        for j in range(8):
            smem[sTile // 2 + dst // 2 + j] = src[col + j] if (src is not None and col + j < D) else 0.0

def run(q, k, v, causal, scale, splits, DP, BN):
    B, HQ, SQ, D = q.shape; HKV, SKV = k.shape[1], k.shape[2]
    G = HQ // HKV; rowsPacked = SQ * G; mBlocks = -(-rowsPacked // BM)
    keyTiles = -(-SKV // BN)
    tps = -(-keyTiles // splits) if splits > 1 else 0
    if splits > 1: splits = -(-keyTiles // tps)
    rows = B * HQ * SQ
    out = np.full((B, HQ, SQ, D), np.nan); pO = np.full((splits, rows, D), np.nan); pL = np.full((splits, rows), np.nan)
    scaleLog2 = scale * math.log2(math.e)
    Q_BYTES = BM * DP * 2; KV_BYTES = BN * DP * 2
    smem = np.zeros((Q_BYTES + 2 * 2 * KV_BYTES) // 2)
    items = B * HKV * mBlocks * splits
    def out_row(b, kvh, r):
        i, h = r // G, kvh * G + r % G
        return (b * HQ + h) * SQ + i, (b, h, i)
    for item in range(items):
        split = item % splits; rest = item // splits
        mb = mBlocks - 1 - rest % mBlocks; bkv = rest // mBlocks
        b, kvh = bkv // HKV, bkv % HKV; r0 = mb * BM
        shift = SKV - SQ; tiles = keyTiles; limMin = r0 // G + shift
        if causal:
            limMax = min(r0 + BM - 1, rowsPacked - 1) // G + shift
            tiles = 0 if limMax < 0 else min(tiles, limMax // BN + 1)
        if splits > 1: tB = split * tps; tE = min(tiles, tB + tps)
        else: tB, tE = 0, tiles
        o = np.zeros((4, DP // 8, 32, 4)); m = np.full((4, 32, 2), -np.inf); l = np.zeros((4, 32, 2))
        qflat = q.reshape(-1, D); kflat = k[b, kvh]; vflat = v[b, kvh]
        if tB < tE:
            load_rows(smem, 0, DP, BM, lambda r: qflat[out_row(b, kvh, r0 + r)[0]] if r0 + r < rowsPacked else None, D)
            for t in range(tB, tE):
                it = t - tB; stage = it & 1
                sK = Q_BYTES + stage * 2 * KV_BYTES; sV = sK + KV_BYTES
                j0 = t * BN
                load_rows(smem, sK, DP, BN, lambda r: kflat[j0 + r] if j0 + r < SKV else None, D)
                load_rows(smem, sV, DP, BN, lambda r: vflat[j0 + r] if j0 + r < SKV else None, D)
                masked = ((t + 1) * BN - 1 >= SKV) or (causal and (t + 1) * BN - 1 > limMin)
                kdEnd = (D + 15) // 16
                for warp in range(4):
                    s = np.zeros((BN // 8, 32, 4))
                    for kd in range(DP // 16):
                        if kd >= kdEnd: continue
                        a = ldmatrix_x4(smem, [swz(DP, warp * 16 + (lane & 15), kd * 2 + (lane >> 4)) for lane in range(32)], False)
                        for j in range(BN // 16):
                            regs = ldmatrix_x4(smem, [sK + swz(DP, j * 16 + (((lane >> 3) >> 1) << 3) + (lane & 7), kd * 2 + ((lane >> 3) & 1)) for lane in range(32)], False)
                            mma(s[2 * j], a, regs[:, 0], regs[:, 1]); mma(s[2 * j + 1], a, regs[:, 2], regs[:, 3])
                    for lane in range(32):
                        g, t4 = lane >> 2, lane & 3
                        lim = [(r0 + warp * 16 + g + 8 * h) // G + shift for h in range(2)]
                        for nt in range(BN // 8):
                            for e in range(4):
                                val = s[nt, lane, e] * scaleLog2
                                if masked:
                                    key = t * BN + nt * 8 + 2 * t4 + (e & 1)
                                    if key >= SKV or (causal and key > lim[e >> 1]): val = -np.inf
                                s[nt, lane, e] = val
                    # quad max (all lanes read before any lane updates), then the online update
                    mxs = np.zeros((32, 2))
                    for lane in range(32):
                        quad = [lane & ~3 | x for x in range(4)]
                        for h in range(2):
                            mxs[lane, h] = max(s[nt, ql, e] for ql in quad for nt in range(BN // 8) for e in (2 * h, 2 * h + 1))
                    for lane in range(32):
                        for h in range(2):
                            mNew = max(m[warp, lane, h], mxs[lane, h])
                            base = 0.0 if mNew == -np.inf else mNew
                            alpha = 2.0 ** (m[warp, lane, h] - base)
                            m[warp, lane, h] = mNew; l[warp, lane, h] *= alpha
                            o[warp, :, lane, 2 * h:2 * h + 2] *= alpha
                            for nt in range(BN // 8):
                                for e in (2 * h, 2 * h + 1):
                                    s[nt, lane, e] = 2.0 ** (s[nt, lane, e] - base)
                                    l[warp, lane, h] += s[nt, lane, e]
                    for kk in range(BN // 16):
                        a = np.zeros((32, 4, 2))
                        for lane in range(32):
                            a[lane, 0] = s[2 * kk, lane, 0:2]; a[lane, 1] = s[2 * kk, lane, 2:4]
                            a[lane, 2] = s[2 * kk + 1, lane, 0:2]; a[lane, 3] = s[2 * kk + 1, lane, 2:4]
                        for jd in range(DP // 16):
                            if jd * 16 >= D: continue
                            regs = ldmatrix_x4(smem, [sV + swz(DP, kk * 16 + (((lane >> 3) & 1) << 3) + (lane & 7), jd * 2 + ((lane >> 3) >> 1)) for lane in range(32)], True)
                            mma(o[warp, 2 * jd], a, regs[:, 0], regs[:, 1]); mma(o[warp, 2 * jd + 1], a, regs[:, 2], regs[:, 3])
        for warp in range(4):
            for lane in range(32):
                g, t4 = lane >> 2, lane & 3
                quad = [lane & ~3 | x for x in range(4)]
                for h in range(2):
                    lt = sum(l[warp, ql, h] for ql in quad)
                    pr = r0 + warp * 16 + g + 8 * h
                    if pr >= rowsPacked: continue
                    rowId, (bb, hh, ii) = out_row(b, kvh, pr)
                    inv = 1.0 / lt if lt > 0 else 0.0
                    for nd in range(DP // 8):
                        for e in range(2):
                            col = nd * 8 + 2 * t4 + e
                            if col < D:
                                val = o[warp, nd, lane, 2 * h + e] * inv
                                if splits == 1: out[bb, hh, ii, col] = val
                                else: pO[split, rowId, col] = val
                    if splits > 1 and t4 == 0:
                        pL[split, rowId] = m[warp, lane, h] + math.log2(lt) if lt > 0 else -np.inf
    if splits > 1:
        of = out.reshape(rows, D)
        for row in range(rows):
            M = max(pL[:, row])
            if M == -np.inf: of[row] = 0; continue
            w = 2.0 ** (pL[:, row] - M)
            of[row] = (w[:, None] * np.where(w[:, None] > 0, pO[:, row], 0)).sum(0) / w.sum()
    return out

def reference(q, k, v, causal, scale):
    B, HQ, SQ, D = q.shape; HKV, SKV = k.shape[1], k.shape[2]
    out = np.zeros_like(q)
    for b in range(B):
        for h in range(HQ):
            kvh = h // (HQ // HKV)
            for i in range(SQ):
                last = min(SKV - 1, i + SKV - SQ) if causal else SKV - 1
                if last < 0: continue
                s = scale * (k[b, kvh, :last + 1] @ q[b, h, i])
                p = np.exp(s - s.max()); p /= p.sum()
                out[b, h, i] = p @ v[b, kvh, :last + 1]
    return out

rng = np.random.default_rng(3)
cases = [
    # B, HQ, HKV, SQ, SKV, D, DP, BN, causal, splits
    (1, 4, 2, 37, 50, 5, 64, 64, True, 1),
    (1, 4, 2, 37, 50, 5, 64, 64, False, 1),
    (2, 2, 2, 20, 130, 72, 128, 64, True, 1),
    (1, 4, 1, 1, 130, 64, 64, 64, True, 3),
    (1, 2, 1, 3, 200, 24, 64, 64, False, 4),
    (1, 2, 2, 40, 9, 16, 64, 64, True, 1),   # Sq > Skv: first queries see no key
    (1, 2, 1, 5, 0, 8, 64, 64, False, 1),    # Skv == 0
    (1, 1, 1, 17, 45, 160, 256, 32, True, 1),
    (1, 1, 1, 2, 100, 160, 256, 32, True, 2),
]
sel = cases if len(sys.argv) < 2 else [cases[int(x)] for x in sys.argv[1:]]
for (B, HQ, HKV, SQ, SKV, D, DP, BN, causal, splits) in sel:
    q = rng.standard_normal((B, HQ, SQ, D)); k = rng.standard_normal((B, HKV, SKV, D)); v = rng.standard_normal((B, HKV, SKV, D))
    scale = 1 / math.sqrt(D)
    got = run(q, k, v, causal, scale, splits, DP, BN); ref = reference(q, k, v, causal, scale)
    err = np.abs(got - ref).max()
    print(f"B={B} Hq={HQ} Hkv={HKV} Sq={SQ} Skv={SKV} D={D} DP={DP} BN={BN} causal={causal} splits={splits}: max err {err:.2e}", flush=True)
    if not err < 1e-9: sys.exit(1)
