package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.internal.GpuWork;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenCL kernel set of one device: one class per op family picks the kernel variant for the
 * shape and queues it; this class names the program each needs. Programs are built on first use,
 * per dtype combination (ELEM_DTYPE, OUT_DTYPE macros), and kept.
 */
final class OpenClKernels implements Kernels {
    private final OpenClDevice device;
    /** The programs this kernel set has asked for, so that a launch does not rebuild their option strings. */
    private final ConcurrentHashMap<ProgramKey, ClProgram> programs = new ConcurrentHashMap<>();

    private record ProgramKey(String file, DType elem, DType out) {
    }

    OpenClKernels(OpenClDevice device) {
        this.device = device;
    }

    OpenClDevice device() {
        return device;
    }

    /** Program {@code file} with its input dtype {@code elem} (and output dtype {@code out}, or null). */
    ClProgram program(String file, DType elem, DType out) {
        ProgramKey key = new ProgramKey(file, elem, out);
        ClProgram cached = programs.get(key);
        if (cached == null) {
            cached = device.programs().get(file, options(elem, out)); // builds at most once per device
            programs.putIfAbsent(key, cached);
        }
        return cached;
    }

    private String options(DType elem, DType out) {
        StringBuilder options = new StringBuilder();
        if (elem != null) {
            options.append("-DELEM_DTYPE=").append(macro(elem)).append(' ');
        }
        if (out != null) {
            options.append("-DOUT_DTYPE=").append(macro(out)).append(' ');
        }
        if (device.facts().fp16()) {
            options.append("-DPANAMAX_NATIVE_HALF");
        }
        return options.toString().strip();
    }

    private static String macro(DType t) {
        return switch (t) {
            case F32 -> "DT_F32";
            case F16 -> "DT_F16";
            case BF16 -> "DT_BF16";
            default -> throw new IllegalArgumentException("OpenCL kernels take F32, F16 or BF16, got " + t);
        };
    }

    @Override
    public void gemm(Gemm call) {
        ClGemm.run(this, call);
    }

    @Override
    public void softmax(Softmax call) {
        ClSoftmax.run(this, call);
    }

    @Override
    public void attention(Attention call) {
        ClAttention.run(this, call);
    }

    @Override
    public void topKGating(Gating call) {
        ClTopK.gating(this, call);
    }

    @Override
    public void topK(TopK call) {
        ClTopK.topK(this, call);
    }

    @Override
    public void convert(Memory src, DType from, Memory dst, DType to, long count) {
        ClConvert.run(this, src, from, dst, to, count);
    }

    /** Work-groups the kernels ask for along grid dimensions 1 and 2 at most (NVIDIA's OpenCL allows no more). */
    static final long MAX_GROUPS_Y_Z = 65535;

    /** {@link #MAX_GROUPS_Y_Z}, lowered by tests so that small shapes take the kernels' striding loops. */
    private volatile long groupsYZ = MAX_GROUPS_Y_Z;

    long groupsYZ() {
        return groupsYZ;
    }

    /** For tests only: the cap on grid dimensions 1 and 2; restore {@link #MAX_GROUPS_Y_Z} afterwards. */
    void capGroupsYZ(long cap) {
        groupsYZ = cap;
    }

    /**
     * Work-items per row of a row kernel (softmax.cl, norm.cl): about one per 4 elements, a power
     * of two up to a work-group, so that several short rows share a work-group.
     */
    static int rowThreads(long cols) {
        return (int) Math.min(OpenClDevice.GROUP_SIZE, GpuWork.nextPowerOfTwo(Math.ceilDiv(cols, 4)));
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Override
    public void elementwise(Elementwise call) {
        ClElementwise.run(this, call);
    }

    @Override
    public void norm(Norm call) {
        ClNorm.run(this, call);
    }

    // ---------------------------------------------------------------- embedding, writeCache (ClGather), rope (ClRope)

    @Override
    public void embedding(Embedding call) {
        ClGather.embedding(this, call);
    }

    @Override
    public void rope(Rope call) {
        ClRope.run(this, call);
    }

    @Override
    public void writeCache(WriteCache call) {
        ClGather.writeCache(this, call);
    }

    // ---------------------------------------------------------------- permute (ClPermute)

    @Override
    public void permute(Permute call) {
        ClPermute.run(this, call);
    }

    // ---------------------------------------------------------------- groupedMatmul, moe (ClMoe)

    @Override
    public void groupedMatmul(GroupedMatmul call) {
        ClMoe.groupedMatmul(this, call);
    }

    @Override
    public void moe(Moe call) {
        ClMoe.moe(this, call);
    }

    // ---------------------------------------------------------------- INT8 (ClInt8)

    @Override
    public void quantize(Quantize call) {
        ClInt8.quantize(this, call);
    }

    @Override
    public void dequantize(Dequantize call) {
        ClInt8.dequantize(this, call);
    }

    @Override
    public void quantizedMatmul(QuantizedMatmul call) {
        ClInt8.matmul(this, call);
    }

    @Override
    public void quantizedMoe(QuantizedMoe call) {
        ClInt8.moe(this, call);
    }
}
