package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

/** The CPU kernel set: one class per op family, all on the backend's {@link CpuPool}. */
final class CpuKernels implements Kernels {
    private final CpuPool pool;

    CpuKernels(CpuPool pool) {
        this.pool = pool;
    }

    /** What the kernels run on, for {@code Device.info()}. */
    String description() {
        return CpuSimd.DESCRIPTION;
    }

    @Override
    public void gemm(Gemm call) {
        CpuGemm.run(pool, call);
    }

    @Override
    public void softmax(Softmax call) {
        CpuSoftmax.run(pool, call);
    }

    @Override
    public void attention(Attention call) {
        CpuAttention.run(pool, call);
    }

    @Override
    public void topKGating(Gating call) {
        CpuTopK.gating(pool, call);
    }

    @Override
    public void topK(TopK call) {
        CpuTopK.topK(pool, call);
    }

    @Override
    public void convert(Memory src, DType from, Memory dst, DType to, long count) {
        CpuConvert.run(pool, CpuMemory.segment(src), from, CpuMemory.segment(dst), to, count);
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Override
    public void elementwise(Elementwise call) {
        CpuElementwise.run(pool, call);
    }

    @Override
    public void norm(Norm call) {
        CpuNorm.run(pool, call);
    }

    // ---------------------------------------------------------------- embedding, writeCache (CpuGather), rope (CpuRope)

    @Override
    public void embedding(Embedding call) {
        CpuGather.embedding(pool, call);
    }

    @Override
    public void rope(Rope call) {
        CpuRope.run(pool, call);
    }

    @Override
    public void writeCache(WriteCache call) {
        CpuGather.writeCache(pool, call);
    }

    // ---------------------------------------------------------------- permute (CpuPermute)

    @Override
    public void permute(Permute call) {
        CpuPermute.run(pool, call);
    }

    // ---------------------------------------------------------------- groupedMatmul, moe (CpuMoe)

    @Override
    public void groupedMatmul(GroupedMatmul call) {
        CpuMoe.groupedMatmul(pool, call);
    }

    @Override
    public void moe(Moe call) {
        CpuMoe.moe(pool, call);
    }

    @Override
    public void packedMoe(PackedMoe call) {
        CpuMoe.packedMoe(pool, call);
    }

    // ---------------------------------------------------------------- INT8 (CpuInt8)

    @Override
    public void quantize(Quantize call) {
        CpuInt8.quantize(pool, call);
    }

    @Override
    public void dequantize(Dequantize call) {
        CpuInt8.dequantize(pool, call);
    }

    @Override
    public void quantizedMatmul(QuantizedMatmul call) {
        CpuInt8.matmul(pool, call);
    }

    @Override
    public void quantizedMoe(QuantizedMoe call) {
        CpuMoe.quantizedMoe(pool, call);
    }

    @Override
    public PackLayout packLayout(DType dtype, long k, long n, boolean transB) {
        return CpuGemm.packLayout(k, n, transB);
    }

    @Override
    public void pack(Pack call) {
        CpuGemm.pack(pool, call);
    }

    @Override
    public void packedMatmul(PackedMatmul call) {
        CpuGemm.packedMatmul(pool, call);
    }
}
