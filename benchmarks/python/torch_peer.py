#!/usr/bin/env python3
"""PyTorch as the peer of `panamax bench` on a CUDA GPU, measured in the same run.

Reads the cases the bench will run (`panamax bench --device cuda:0 --cases-json cases.json`),
times the same shapes through PyTorch, and writes the figures for
`panamax bench --peer-json peer.json`, which prints them beside ours:

    gemm, matmul       torch.matmul (cuBLAS)
    softmax            torch.softmax over the last dimension
    attention*, decode torch.nn.functional.scaled_dot_product_attention (flash backend when it
                       takes the case; causal aligned bottom-right as in Panamax); a case with L
                       (kvLengths) gets a boolean attn_mask built from the lengths
    topKGating         torch.topk(torch.softmax(logits.float(), -1), k), renormalized
    topK               torch.topk
    convert            Tensor.to(dtype)
    embedding          torch.nn.functional.embedding
    rope               Hugging Face's apply_rotary_pos_emb math, cos and sin from positions included
    writeCache         Tensor.index_copy_ along the sequence (Hugging Face's StaticCache update)
    add, mul           torch.add, torch.mul (a bias [cols] broadcast when bias=1)
    gelu, gelu-tanh    F.gelu(approximate="none" / "tanh")
    silu, swiglu       F.silu; F.silu(gate) * up
    layerNorm          F.layer_norm
    rmsNorm            F.rms_norm (torch >= 2.4; else by hand, said in the note)
    addRmsNorm         residual.add_(x), then F.rms_norm of the sum: two torch ops
    permute            x.permute(0, 2, 1, 3).contiguous() on x [B, S, H, D]
    moe                a reference MoE in plain PyTorch: the rows of each chosen expert gathered
                       (index_select after a stable sort by expert), matmuls against gate, up and
                       down, index_add_ back weighted; routing as the bench's (t*k+j) mod E
    groupedMatmul      one torch.matmul per group over its rows (the loop of GEMMs it replaces)
    quantize           symmetric INT8 per row in PyTorch ops: amax / 127, round, clamp, to int8
    dequantize         values.float() * scales[:, None]
    matmul-i8          a8=1: the activations quantized per row as above, then torch._int_mm
                       (cuBLASLt INT8, I32 sums) scaled by both scales; a8=0: what PyTorch offers
                       without a weight-only INT8 kernel: the weight dequantized to x's dtype in
                       every call, then torch.matmul (said in the note)
    moe-i8             the moe peer above with the experts dequantized to x's dtype once (the
                       float layer: PyTorch has no INT8 grouped GEMM; said in the note)
    moe-packed         the moe peer above (PyTorch has no packed layout: the same layer on the
                       experts as given; said in the note)

Also measures two ceilings: a large device-to-device copy (bytes read plus written per second)
and a large bf16 torch.matmul (FLOP/s). Timing: CUDA events around `reps` calls so that a
sample lasts at least 2 ms; warm-up first; the median of up to 20 samples, per call.

usage: torch_peer.py --cases cases.json --out peer.json [--device cuda:0] [--deadline SECONDS]
Exits 3 when PyTorch or a CUDA device is missing (nothing written).
"""
import argparse
import contextlib
import json
import statistics
import sys
import time

SAMPLE_SECONDS = 2e-3
MAX_SAMPLES = 20
SAMPLE_BUDGET_SECONDS = 1.0
WARM_SECONDS = 0.2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True, help="cases.json written by panamax bench --cases-json")
    parser.add_argument("--out", required=True, help="peer.json for panamax bench --peer-json")
    parser.add_argument("--device", default="cuda:0")
    parser.add_argument("--deadline", type=float, default=float("inf"),
                        help="skip the cases that would start after this many seconds")
    args = parser.parse_args()

    try:
        import torch
    except ImportError as e:
        print(f"torch_peer: PyTorch is not installed ({e}); no peer figures", file=sys.stderr)
        return 3
    if not torch.cuda.is_available():
        print("torch_peer: torch.cuda.is_available() is False; no peer figures", file=sys.stderr)
        return 3

    device = torch.device(args.device)
    torch.cuda.set_device(device)
    torch.backends.cuda.matmul.allow_tf32 = False  # F32 GEMM compares with SGEMM, TF32 off
    torch.backends.cudnn.allow_tf32 = False

    with open(args.cases) as f:
        cases = json.load(f)["cases"]

    start = time.monotonic()
    out = {
        "peer": f"PyTorch {torch.__version__}",
        "device": torch.cuda.get_device_name(device),
        "ceilings": ceilings(torch, device),
        "results": {},
    }
    for i, case in enumerate(cases):
        if time.monotonic() - start > args.deadline:
            out["results"][case["id"]] = {"error": f"deadline: {args.deadline:.0f} s passed before it started"}
            continue
        print(f"[{i + 1}/{len(cases)}] PyTorch {case['id']}", file=sys.stderr, flush=True)
        try:
            call, note, context = prepare(torch, device, case)
            with context:
                result = {"seconds": measure(torch, call)}
            if note:
                result["note"] = note
        except Exception as e:  # one case failing must not lose the others' figures
            result = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
        out["results"][case["id"]] = result
        torch.cuda.empty_cache()

    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)
    print(f"torch_peer: wrote {len(cases)} results to {args.out}", file=sys.stderr)
    return 0


def measure(torch, call):
    """Median seconds per call: warm-up, then samples of `reps` calls between CUDA events."""
    call()
    torch.cuda.synchronize()
    warm_start = time.monotonic()
    one = None
    while one is None or time.monotonic() - warm_start < WARM_SECONDS:
        t0 = time.perf_counter()
        call()
        torch.cuda.synchronize()
        one = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, min(1000, int(SAMPLE_SECONDS / one + 0.999)))
    min_samples = 1 if one > SAMPLE_BUDGET_SECONDS else 5
    begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    samples = []
    sampling_start = time.monotonic()
    while len(samples) < MAX_SAMPLES and (
            len(samples) < min_samples or time.monotonic() - sampling_start < SAMPLE_BUDGET_SECONDS):
        begin.record()
        for _ in range(reps):
            call()
        end.record()
        end.synchronize()
        samples.append(begin.elapsed_time(end) / 1e3 / reps)
    return statistics.median(samples)


def ceilings(torch, device):
    """A 2 GiB device-to-device copy and an 8192^3 bf16 matmul, each timed like a case."""
    n = 1 << 31
    src = torch.empty(n, dtype=torch.uint8, device=device).random_(0, 255)
    dst = torch.empty_like(src)
    copy_s = measure(torch, lambda: dst.copy_(src))
    del src, dst
    m = 8192
    a = uniform(torch, device, (m, m), torch.bfloat16)
    b = uniform(torch, device, (m, m), torch.bfloat16)
    mm_s = measure(torch, lambda: torch.matmul(a, b))
    del a, b
    torch.cuda.empty_cache()
    return {
        "copy_bytes_per_s": 2 * n / copy_s,
        "bf16_matmul_flops_per_s": 2 * m ** 3 / mm_s,
        "copy": "torch copy_ of 2 GiB, device to device",
        "bf16_matmul": "torch.matmul bf16 8192x8192x8192",
    }


def uniform(torch, device, shape, dtype, lo=-1.0, hi=1.0):
    """Uniform values in [lo, hi), like the bench's inputs."""
    return (torch.rand(shape, device=device, dtype=torch.float32) * (hi - lo) + lo).to(dtype)


def torch_dtype(torch, name):
    return {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I32": torch.int32}[name]


def prepare(torch, device, case):
    """For the case's op: a no-argument function that runs it once, a note or None, and the
    context to time it in (the SDPA backend choice for attention, nothing otherwise)."""
    call, note = make_call(torch, device, case)
    if isinstance(call, tuple):
        return call[0], note, call[1]
    return call, note, contextlib.nullcontext()


def make_call(torch, device, case):
    op, d = case["op"], case["dims"]
    dtype, out = torch_dtype(torch, case["dtype"]), torch_dtype(torch, case["out"])
    if op in ("gemm", "matmul"):
        batch = (d["B"],) if "B" in d else ()
        a = uniform(torch, device, batch + (d["M"], d["K"]), dtype)
        if d.get("transB", 0):
            b = uniform(torch, device, (d["N"], d["K"]), dtype).t()  # stored [N, K], used transposed
        else:
            b = uniform(torch, device, (d["K"], d["N"]), dtype)
        if out == dtype:
            return (lambda: torch.matmul(a, b)), None
        return (lambda: torch.matmul(a, b).to(out)), "output converted after the matmul"
    if op == "softmax":
        x = uniform(torch, device, (d["rows"], d["cols"]), dtype, -8, 8)
        return (lambda: torch.softmax(x, dim=-1)), None
    if op in ("attention", "attention-causal", "decode"):
        if "L" in d:
            return attention_lengths(torch, device, d, dtype, causal=op != "attention")
        return attention(torch, device, d, dtype, causal=op != "attention")
    if op == "topKGating":
        logits = uniform(torch, device, (d["T"], d["E"]), dtype, -4, 4)
        k = d["k"]

        def gating():
            weights, experts = torch.topk(torch.softmax(logits.float(), dim=-1), k, dim=-1)
            return weights / weights.sum(dim=-1, keepdim=True), experts

        return gating, None
    if op == "topK":
        x = uniform(torch, device, (d["rows"], d["n"]), dtype)
        return (lambda: torch.topk(x, d["k"], dim=-1)), None
    if op == "convert":
        x = uniform(torch, device, (d["N"],), dtype, -100, 100)
        return (lambda: x.to(out)), None
    if op in ELEMENTWISE_AND_NORM_OPS:
        return elementwise_and_norm(torch, device, op, d, dtype)
    if op in ("embedding", "rope", "writeCache"):
        return rows_and_rotary(torch, device, op, d, dtype)
    if op == "permute":
        x = uniform(torch, device, (d["B"], d["S"], d["H"], d["D"]), dtype)
        return (lambda: x.permute(0, 2, 1, 3).contiguous()), None
    if op in ("moe", "groupedMatmul"):
        return mixture(torch, device, op, d, dtype)
    if op == "moe-i8":
        call, note = mixture(torch, device, "moe", d, dtype)
        return call, "the float layer (PyTorch has no INT8 grouped GEMM): " + note
    if op == "moe-packed":
        call, note = mixture(torch, device, "moe", d, dtype)
        return call, "the experts as given (PyTorch has no packed layout): " + (note or "")
    if op in ("quantize", "dequantize", "matmul-i8"):
        return int8(torch, device, op, d, dtype)
    raise ValueError(f"no PyTorch counterpart for op {op}")


def quantize_rows(torch, w):
    """Symmetric INT8 per row as Panamax defines it (scale amax / 127; values round(w / scale))."""
    scales = w.float().abs().amax(dim=-1) / 127.0
    q = torch.where(scales[:, None] > 0, w.float() / scales[:, None], torch.zeros_like(w, dtype=torch.float32))
    return torch.round(q).clamp_(-127, 127).to(torch.int8), scales


def int8(torch, device, op, d, dtype):
    n, k = d["N"], d["K"]
    w = uniform(torch, device, (n, k), dtype)
    if op == "quantize":
        return (lambda: quantize_rows(torch, w)), None
    values, scales = quantize_rows(torch, w)
    if op == "dequantize":
        return (lambda: values.float() * scales[:, None]), None
    x = uniform(torch, device, (d["M"], k), dtype)
    if d.get("a8", 0):
        def w8a8():
            qx, sx = quantize_rows(torch, x)
            if qx.shape[0] <= 16:  # torch._int_mm needs more than 16 rows: pad them
                qx = torch.cat([qx, torch.zeros((17 - qx.shape[0], k), device=device, dtype=torch.int8)])
            acc = torch._int_mm(qx, values.t())[: x.shape[0]]
            return (acc.float() * (sx[:, None] * scales[None, :])).to(dtype)

        return w8a8, "x quantized per row, torch._int_mm (I32 sums), scaled"

    def w8a16():
        return torch.matmul(x, (values.to(dtype) * scales[:, None].to(dtype)).t())

    return w8a16, "no weight-only INT8 kernel in PyTorch: the weight dequantized to x's dtype in every call, then torch.matmul"


def attention(torch, device, d, dtype, causal):
    """SDPA on q [B, Hq, Sq, D], k, v [B, Hkv, Skv, D]; flash backend when it accepts the case."""
    import torch.nn.functional as F
    bsz, hq, hkv, sq, skv, hd = d["B"], d["Hq"], d["Hkv"], d["Sq"], d["Skv"], d["D"]
    q = uniform(torch, device, (bsz, hq, sq, hd), dtype)
    k = uniform(torch, device, (bsz, hkv, skv, hd), dtype)
    v = uniform(torch, device, (bsz, hkv, skv, hd), dtype)
    notes = []
    kwargs = {}
    if causal and sq == skv:
        kwargs["is_causal"] = True  # top-left and bottom-right alignment agree
    elif causal and sq > 1:
        from torch.nn.attention.bias import causal_lower_right
        kwargs["attn_mask"] = causal_lower_right(sq, skv)
    # causal with Sq == 1: the one query sees every key, as without a mask
    if hq != hkv:
        try:
            F.scaled_dot_product_attention(q[:, :, :1], k[:, :, :1], v[:, :, :1], enable_gqa=True)
            kwargs["enable_gqa"] = True
        except TypeError:
            k = k.repeat_interleave(hq // hkv, dim=1)
            v = v.repeat_interleave(hq // hkv, dim=1)
            notes.append("kv heads expanded (this PyTorch has no enable_gqa)")

    def call():
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            call()
            torch.cuda.synchronize()
        return (call, sdpa_kernel(SDPBackend.FLASH_ATTENTION)), "; ".join(notes + ["flash backend"])
    except Exception as e:  # flash does not take every case (masks, some GQA shapes): PyTorch's own choice
        notes.append(f"PyTorch's default SDPA backend (flash refused: {type(e).__name__})")
        return call, "; ".join(notes)


# ---------------------------------------------------------------- elementwise and norm families

ELEMENTWISE_AND_NORM_OPS = ("add", "mul", "gelu", "gelu-tanh", "silu", "swiglu", "layerNorm", "rmsNorm", "addRmsNorm")


def elementwise_and_norm(torch, device, op, d, dtype):
    """The elementwise ops and the row norms on [rows, cols], inputs as the bench draws them."""
    import torch.nn.functional as F
    shape = (d["rows"], d["cols"])
    cols, eps = d["cols"], 1e-5
    x = uniform(torch, device, shape, dtype, -4, 4)
    if op in ("add", "mul"):
        b = uniform(torch, device, (cols,) if d.get("bias", 0) else shape, dtype, -4, 4)
        fn = torch.add if op == "add" else torch.mul
        return (lambda: fn(x, b)), None
    if op in ("gelu", "gelu-tanh"):
        approximate = "tanh" if op == "gelu-tanh" else "none"
        return (lambda: F.gelu(x, approximate=approximate)), None
    if op == "silu":
        return (lambda: F.silu(x)), None
    if op == "swiglu":
        up = uniform(torch, device, shape, dtype, -4, 4)
        return (lambda: F.silu(x) * up), "F.silu(gate) * up: two kernels"
    gamma = uniform(torch, device, (cols,), dtype, 0.5, 1.5)
    if op == "layerNorm":
        beta = uniform(torch, device, (cols,), dtype, -1, 1)
        return (lambda: F.layer_norm(x, (cols,), gamma, beta, eps)), None
    rms, note = rms_norm(torch, F, cols, gamma, eps)
    if op == "rmsNorm":
        return (lambda: rms(x)), note
    residual = uniform(torch, device, shape, dtype, -8, 8)

    def add_rms_norm():
        residual.add_(x)
        return rms(residual)

    return add_rms_norm, "; ".join(filter(None, ["two torch ops: residual.add_(x), then rms_norm of the rounded sum", note]))


def rms_norm(torch, F, cols, gamma, eps):
    """F.rms_norm where this torch has it (2.4 and later), else x * rsqrt(mean(x^2) + eps) * gamma by hand."""
    if hasattr(F, "rms_norm"):
        return (lambda t: F.rms_norm(t, (cols,), gamma, eps)), None

    def by_hand(t):
        f = t.float()
        return (f * torch.rsqrt(f.pow(2).mean(-1, keepdim=True) + eps)).to(t.dtype) * gamma

    return by_hand, "rms_norm by hand (this torch has no F.rms_norm): several kernels"


# ---------------------------------------------------------------- attention with kvLengths

def attention_lengths(torch, device, d, dtype, causal):
    """SDPA over a KV cache of Skv rows of which batch b uses the first L_b (every L_b = L here):
    the boolean attn_mask [B, 1, Sq, Skv] holds key j < L_b, and when causal j <= i + (L_b - Sq),
    as Panamax's kvLengths overload. SDPA reads the whole cache; flash takes no mask, so PyTorch
    picks the backend (memory-efficient or math)."""
    import torch.nn.functional as F
    bsz, hq, hkv, sq, skv, hd = d["B"], d["Hq"], d["Hkv"], d["Sq"], d["Skv"], d["D"]
    q = uniform(torch, device, (bsz, hq, sq, hd), dtype)
    k = uniform(torch, device, (bsz, hkv, skv, hd), dtype)
    v = uniform(torch, device, (bsz, hkv, skv, hd), dtype)
    lengths = torch.full((bsz,), min(max(d["L"], 0), skv), device=device, dtype=torch.int64)
    j = torch.arange(skv, device=device).view(1, 1, 1, skv)
    i = torch.arange(sq, device=device).view(1, 1, sq, 1)
    length = lengths.view(bsz, 1, 1, 1)
    mask = j < length
    if causal:
        mask = mask & (j <= i + (length - sq))
    notes = ["attn_mask from the lengths; PyTorch's SDPA backend choice"]
    kwargs = {"attn_mask": mask}
    if hq != hkv:
        try:
            F.scaled_dot_product_attention(q[:, :, :1], k[:, :, :1], v[:, :, :1], attn_mask=mask[:, :, :1],
                                           enable_gqa=True)
            kwargs["enable_gqa"] = True
        except (TypeError, RuntimeError):
            k = k.repeat_interleave(hq // hkv, dim=1)
            v = v.repeat_interleave(hq // hkv, dim=1)
            notes.append("kv heads expanded (no enable_gqa with a mask here)")

    def call():
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    return call, "; ".join(notes)
# ---------------------------------------------------------------- embedding, rope, writeCache

def rows_and_rotary(torch, device, op, d, dtype):
    """embedding, rope and writeCache as a model written in PyTorch runs them (Hugging Face's
    Llama code): a call and a note."""
    import torch.nn.functional as F
    if op == "embedding":
        table = uniform(torch, device, (d["V"], d["H"]), dtype)
        ids = torch.randint(0, d["V"], (d["N"],), device=device, dtype=torch.int32)
        return (lambda: F.embedding(ids, table)), None
    if op == "rope":
        return rotary(torch, device, d, dtype)
    if op == "writeCache":
        src = uniform(torch, device, (d["B"], d["H"], d["T"], d["D"]), dtype)
        cache = torch.zeros((d["B"], d["H"], d["Smax"], d["D"]), device=device, dtype=dtype)
        start = (d["Smax"] - d["T"]) // 2
        position = torch.arange(start, start + d["T"], device=device)
        return (lambda: cache.index_copy_(2, position, src)), "one start for every batch (StaticCache's cache_position)"
    raise ValueError(op)


def rotary(torch, device, d, dtype):
    """apply_rotary_pos_emb of Hugging Face's Llama on x [B, H, S, D] (or the interleaved GPT-J
    pairs), with cos and sin computed from the positions in F32 within the call, as Panamax does;
    out of place, as Hugging Face is."""
    bsz, heads, seq, dim = d["B"], d["H"], d["S"], d["D"]
    x = uniform(torch, device, (bsz, heads, seq, dim), dtype)
    inv = 1.0 / (10000.0 ** (torch.arange(0, dim, 2, device=device).float() / dim))
    positions = torch.arange(seq, device=device) + 1000
    interleaved = d.get("interleaved", 0) != 0

    def call():
        freqs = positions.float()[:, None] * inv[None, :]  # [S, D/2], F32
        if interleaved:
            emb = freqs.repeat_interleave(2, dim=-1)
            rotated = torch.stack((-x[..., 1::2], x[..., 0::2]), dim=-1).flatten(-2)
        else:
            emb = torch.cat((freqs, freqs), dim=-1)
            rotated = torch.cat((-x[..., dim // 2:], x[..., :dim // 2]), dim=-1)
        cos, sin = emb.cos().to(dtype), emb.sin().to(dtype)
        return x * cos + rotated * sin

    return call, "cos and sin computed in the call; out of place"


if __name__ == "__main__":
    sys.exit(main())


# ---------------------------------------------------------------- moe, groupedMatmul

def mixture(torch, device, op, d, dtype):
    """The MoE layer as a PyTorch model without fused kernels runs it (Mixtral's Hugging Face
    block: per chosen expert, gather its tokens, two matmuls, SiLU, one more, index_add_), and the
    grouped GEMM as a loop of matmuls; the routing is the bench's fixed (t * k + j) mod E."""
    import torch.nn.functional as F
    t, h, f, e, k = d["T"], d["H"], d["F"], d["E"], d["k"]
    scale = (3.0 / h) ** 0.5
    if op == "groupedMatmul":
        rows = t * k
        x = uniform(torch, device, (rows, h), dtype)
        w = uniform(torch, device, (e, f, h), dtype, -scale, scale)
        ends = [rows if g == e - 1 else (g + 1) * (rows // e) for g in range(e)]
        starts = [0] + ends[:-1]

        def grouped():
            return torch.cat([x[s:n] @ w[g].t() for g, (s, n) in enumerate(zip(starts, ends))])

        return grouped, "one torch.matmul per group, concatenated"
    x = uniform(torch, device, (t, h), dtype)
    gate = uniform(torch, device, (e, f, h), dtype, -scale, scale)
    up = uniform(torch, device, (e, f, h), dtype, -scale, scale)
    down = uniform(torch, device, (e, h, f), dtype, -(3.0 / f) ** 0.5, (3.0 / f) ** 0.5)
    experts = (torch.arange(t * k, device=device) % e).reshape(t, k)
    weights = torch.rand((t, k), device=device, dtype=torch.float32) * 0.95 + 0.05

    def layer():
        out = torch.zeros((t, h), device=device, dtype=torch.float32)
        flat = experts.reshape(-1)
        order = torch.argsort(flat, stable=True)
        counts = torch.bincount(flat, minlength=e).tolist()
        start = 0
        for g, n in enumerate(counts):
            if n == 0:
                continue
            pairs = order[start:start + n]
            start += n
            tokens = pairs // k
            rows = x.index_select(0, tokens)
            act = F.silu(rows @ gate[g].t()) * (rows @ up[g].t())
            y = (act @ down[g].t()).float() * weights.reshape(-1)[pairs].unsqueeze(1)
            out.index_add_(0, tokens, y)
        return out.to(dtype)

    return layer, "index_select + matmul per chosen expert, index_add_ (bincount read back to the host)"
