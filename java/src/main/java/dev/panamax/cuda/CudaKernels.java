package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

/**
 * The CUDA kernel set of one device: each op goes to its family ({@link CudaGemm},
 * {@link CudaSoftmax}, {@link CudaAttention}, {@link CudaTopK}, {@link CudaConvert}), which picks
 * the variant of kernels/cuda/*.cu for the shape, the dtype and the device, fills the kernel's
 * parameter struct (declared in kernels/cuda/params.cuh and, as a StructLayout, in the family) and
 * launches it through the {@link CudaLaunchContext} they share. Thread-safe as the families are.
 */
final class CudaKernels implements Kernels {
    private final CudaLaunchContext launches;
    private final CudaGemm gemm;
    private final CudaSoftmax softmax;
    private final CudaAttention attention;
    private final CudaTopK topK;
    private final CudaConvert convert;

    CudaKernels(CudaLauncher launcher) {
        this.launches = new CudaLaunchContext(launcher);
        this.gemm = new CudaGemm(launches);
        this.softmax = new CudaSoftmax(launches);
        this.attention = new CudaAttention(launches);
        this.topK = new CudaTopK(launches);
        this.convert = new CudaConvert(launches);
    }

    /** The launch context of this kernel set (tests: the grid cap). */
    CudaLaunchContext launches() {
        return launches;
    }

    /** The GEMM family of this kernel set (tests: the GEMM option and the kernel it picks). */
    CudaGemm gemmFamily() {
        return gemm;
    }

    @Override
    public void gemm(Gemm call) {
        gemm.run(call);
    }

    @Override
    public void softmax(Softmax call) {
        softmax.run(call);
    }

    @Override
    public void attention(Attention call) {
        attention.run(call);
    }

    @Override
    public void topKGating(Gating call) {
        topK.gating(call);
    }

    @Override
    public void topK(TopK call) {
        topK.topK(call);
    }

    @Override
    public void convert(Memory src, DType from, Memory dst, DType to, long count) {
        convert.run(src, from, dst, to, count);
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Override
    public void elementwise(Elementwise call) {
        CudaElementwise.run(launches, call);
    }

    @Override
    public void norm(Norm call) {
        CudaNorm.run(launches, call);
    }

    // ---------------------------------------------------------------- embedding, writeCache (CudaGather), rope (CudaRope)

    @Override
    public void embedding(Embedding call) {
        CudaGather.embedding(launches, call);
    }

    @Override
    public void rope(Rope call) {
        CudaRope.run(launches, call);
    }

    @Override
    public void writeCache(WriteCache call) {
        CudaGather.writeCache(launches, call);
    }

    // ---------------------------------------------------------------- permute (CudaPermute)

    @Override
    public void permute(Permute call) {
        CudaPermute.run(launches, call);
    }

    // ---------------------------------------------------------------- groupedMatmul, moe (CudaMoe)

    @Override
    public void groupedMatmul(GroupedMatmul call) {
        CudaMoe.groupedMatmul(launches, call);
    }

    @Override
    public void moe(Moe call) {
        CudaMoe.moe(launches, call);
    }

    // ---------------------------------------------------------------- INT8 (CudaInt8)

    @Override
    public void quantize(Quantize call) {
        CudaInt8.quantize(launches, call);
    }

    @Override
    public void dequantize(Dequantize call) {
        CudaInt8.dequantize(launches, call);
    }

    @Override
    public void quantizedMatmul(QuantizedMatmul call) {
        CudaInt8.matmul(launches, call);
    }

    @Override
    public void quantizedMoe(QuantizedMoe call) {
        CudaInt8.moe(launches, call);
    }
}
