"""Emulates topk.cu (rank keys, bitonic chunk sort keeping k, merge passes) driven by the pass loop
of CudaKernels.topK, against the ordering rule of Reference64 (larger first, NaN above all, ties
to the lower index, -0.0 == 0.0)."""
import numpy as np, struct, functools, sys

def order_key(x):
    x = np.float32(x)
    if np.isnan(x): return 0xffffffff
    if x == 0: x = np.float32(0.0)
    u = struct.unpack('<I', struct.pack('<f', x))[0]
    return (~u & 0xffffffff) if (u & 0x80000000) else (u | 0x80000000)

def rank_key(x, i): return (order_key(x) << 32) | ((~i) & 0xffffffff)

def bitonic_desc(keys):
    C = len(keys); size = 2
    while size <= C:
        stride = size >> 1
        while stride > 0:
            for i in range(C >> 1):
                pos = 2 * i - (i & (stride - 1))
                a, b = keys[pos], keys[pos + stride]
                desc = (pos & size) == 0
                if (a < b) == desc: keys[pos], keys[pos + stride] = b, a
            stride >>= 1
        size <<= 1

def chunk_of(length):
    if length >= 4096: return 4096
    return max(64, (1 << ((length - 1).bit_length() - 1) << 1) if length > 1 else 0)

def topk_pass(x, rows, n, k, length, chunk, keysIn, first):
    chunks = -(-length // chunk)
    keysOut = [0] * (rows * chunks * k) if chunks > 1 else None
    values = np.zeros((rows, k), dtype=np.float32); indices = np.zeros((rows, k), dtype=np.int64)
    for item in range(rows * chunks):
        row, ch = item // chunks, item % chunks
        start = ch * chunk; cnt = min(chunk, length - start)
        keys = [0] * chunk
        for i in range(cnt):
            e = start + i
            keys[i] = rank_key(x[row * n + e], e) if first else keysIn[row * length + e]
        bitonic_desc(keys)
        if chunks == 1:
            for i in range(k):
                idx = min((~keys[i]) & 0xffffffff, n - 1)
                values[row, i] = x[row * n + idx]; indices[row, i] = idx
        else:
            for i in range(k): keysOut[(row * chunks + ch) * k + i] = keys[i]
    return chunks, keysOut, values, indices

def topk(x, rows, n, k):
    length, first, keysIn = n, True, None
    passes = 0
    while True:
        chunk = chunk_of(length); passes += 1
        chunks, keysOut, values, indices = topk_pass(x, rows, n, k, length, chunk, keysIn, first)
        if chunks == 1: return values, indices, passes
        keysIn, length, first = keysOut, chunks * k, False

def before(xi, i, xj, j):
    ni, nj = np.isnan(xi), np.isnan(xj)
    if ni or nj: return ni and (not nj or i < j)
    return xi > xj or (xi == xj and i < j)

def ref(x, rows, n, k):
    out = []
    for r in range(rows):
        row = x[r * n:(r + 1) * n]
        order = sorted(range(n), key=functools.cmp_to_key(lambda i, j: -1 if before(row[i], i, row[j], j) else (1 if before(row[j], j, row[i], i) else 0)))
        out.append(order[:k])
    return np.array(out)

if __name__ == "__main__":
    rng = np.random.default_rng(11)
    for rows, n, k in [(3, 1, 1), (2, 7, 3), (2, 100, 100), (1, 5000, 1), (2, 4097, 1024), (1, 9000, 600), (1, 20000, 8)]:
        x = rng.integers(-5, 5, size=rows * n).astype(np.float32)  # many ties
        x[rng.random(rows * n) < 0.01] = np.nan
        x[rng.random(rows * n) < 0.05] = -0.0
        x[rng.random(rows * n) < 0.01] = -np.inf
        v, idx, passes = topk(x, rows, n, k)
        r = ref(x, rows, n, k)
        exact = all(struct.pack('<f', v[a, b]) == struct.pack('<f', x[a * n + idx[a, b]]) for a in range(rows) for b in range(k))
        ok = np.array_equal(idx, r) and exact
        print(f"rows={rows} n={n} k={k} passes={passes}: {'OK' if ok else 'MISMATCH'}", flush=True)
        if not ok: sys.exit(1)
