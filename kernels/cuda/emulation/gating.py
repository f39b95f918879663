"""Emulates topk.cu's gating_row (cached per-thread bests, k argmax rounds where only the winner
rescans, fused softmax / renormalize) for warp (THREADS=32) and block (THREADS=128) variants."""
import numpy as np, math, sys
sys.path.insert(0, '.')
from topk import before, ref
NONE = 0x7fffffff

def better(a, b):
    if a[1] == NONE: return False
    if b[1] == NONE: return True
    return before(a[0], a[1], b[0], b[1])

def gating_row(row, E, k, renorm, VPT, THREADS):
    v = np.full((THREADS, VPT), -np.inf); taken = np.zeros((THREADS, VPT), bool)
    for tid in range(THREADS):
        for s in range(VPT):
            j = s * THREADS + tid
            if j < E: v[tid, s] = row[j]
            else: taken[tid, s] = True
    def local_best(tid):
        b = (-np.inf, NONE)
        for s in range(VPT):
            c = (v[tid, s], s * THREADS + tid)
            if not taken[tid, s] and better(c, b): b = c
        return b
    mine = [local_best(t) for t in range(THREADS)]
    chosen = []
    for r in range(k):
        # warp butterflies, then (block) the first-warp-order scan of warp winners
        warps = []
        for w in range(THREADS // 32):
            best = (-np.inf, NONE)
            for c in mine[w * 32:(w + 1) * 32]:
                if better(c, best): best = c
            warps.append(best)
        best = warps[0]
        for c in warps[1:]:
            if better(c, best): best = c
        if r == 0: top = best[0]
        assert best[1] != NONE
        owner = best[1] % THREADS
        taken[owner, best[1] // THREADS] = True
        mine[owner] = local_best(owner)
        chosen.append(best)
    valid = v[~taken | (np.arange(VPT)[None, :] * THREADS + np.arange(THREADS)[:, None] < E)]
    vals = np.array([row[j] for j in range(E)], dtype=np.float64)
    ssum = np.sum(np.exp(vals - top)) if not math.isnan(top) else float('nan')
    prob = [0.0 if top == -np.inf else math.exp(c[0] - top) / ssum if not (math.isnan(c[0]) or math.isnan(top)) else float('nan') for c in chosen]
    if renorm:
        cs = sum(prob)
        prob = [p / cs if cs != 0 else float('nan') for p in prob]
    return [c[1] for c in chosen], prob

def ref_gating(row, E, k, renorm):
    x = np.array(row, dtype=np.float64)
    idx = ref(np.array(row, dtype=np.float32), 1, E, k)[0]
    if np.isnan(x).any(): p = np.full(E, np.nan)
    elif x.max() == -np.inf: p = np.zeros(E)
    else:
        p = np.exp(x - x.max()); p /= p.sum()
    w = p[idx]
    if renorm: w = w / w.sum()
    return list(idx), list(w)

rng = np.random.default_rng(5)
for E, k, VPT, THREADS in [(1, 1, 4, 32), (7, 7, 4, 32), (128, 8, 4, 32), (200, 64, 8, 32), (1000, 64, 32, 32), (3000, 17, 32, 128)]:
    for case in range(4):
        row = rng.integers(-3, 3, size=E).astype(np.float32) * 0.5
        if case == 1: row[rng.random(E) < 0.1] = np.nan
        if case == 2: row[:] = -np.inf
        if case == 3: row[rng.random(E) < 0.5] = -np.inf
        for renorm in (False, True):
            gi, gw = gating_row(row, E, k, renorm, VPT, THREADS)
            ri, rw = ref_gating(row, E, k, renorm)
            ok = gi == ri and all((math.isnan(a) and math.isnan(b)) or abs(a - b) < 1e-12 for a, b in zip(gw, rw))
            if not ok:
                print("MISMATCH", E, k, case, renorm, gi[:8], ri[:8], gw[:4], rw[:4]); sys.exit(1)
    print(f"E={E} k={k} VPT={VPT} THREADS={THREADS}: OK", flush=True)
