"""Warp-level semantics of ldmatrix and mma.sync m16n8k16 (PTX ISA), on numpy arrays.
A 32-bit register holding two 16-bit elements is modelled as a pair (lo, hi) of floats."""
import numpy as np

def ldmatrix_x4(smem_u16, addrs, trans):
    """addrs: 32 byte addresses (lane l gives row l%8 of matrix l//8). Returns regs[32][4][2]."""
    regs = np.zeros((32, 4, 2))
    for i in range(4):
        M = np.array([[smem_u16[(addrs[8 * i + r] >> 1) + c] for c in range(8)] for r in range(8)])
        assert all(a % 16 == 0 for a in addrs[8 * i: 8 * i + 8])
        banks = {(a // 16) % 8 for a in addrs[8 * i: 8 * i + 8]}
        assert len(banks) == 8, f"ldmatrix bank conflict: {addrs[8*i:8*i+8]}"
        for t in range(32):
            if not trans:
                regs[t, i] = (M[t // 4, 2 * (t % 4)], M[t // 4, 2 * (t % 4) + 1])
            else:
                regs[t, i] = (M[2 * (t % 4), t // 4], M[2 * (t % 4) + 1, t // 4])
    return regs

def mma(acc, a, b0, b1):
    """acc[32][4] += A(16x16 from a[32][4][2]) @ B(16x8 from b0[32][2], b1[32][2])."""
    A = np.full((16, 16), np.nan); B = np.full((16, 8), np.nan)
    for t in range(32):
        g, tt = t // 4, t % 4
        A[g, 2*tt:2*tt+2] = a[t][0]; A[g+8, 2*tt:2*tt+2] = a[t][1]
        A[g, 2*tt+8:2*tt+10] = a[t][2]; A[g+8, 2*tt+8:2*tt+10] = a[t][3]
        B[2*tt:2*tt+2, g] = b0[t]; B[2*tt+8:2*tt+10, g] = b1[t]
    assert not np.isnan(A).any() and not np.isnan(B).any()
    D = A @ B
    for t in range(32):
        g, tt = t // 4, t % 4
        acc[t] += (D[g, 2*tt], D[g, 2*tt+1], D[g+8, 2*tt], D[g+8, 2*tt+1])
