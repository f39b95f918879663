package dev.panamax.tool;

import dev.panamax.DType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.panamax.DType.BF16;
import static dev.panamax.DType.F32;

/**
 * The bench's op table: every op by name, and the shapes each profile runs, as data.
 *
 * <ul>
 *   <li>{@link Profile#QUICK}: small shapes, a whole run in well under a minute on 2 cores;</li>
 *   <li>{@link Profile#HOST}: the CPU and OpenCL defaults, moderate so that a run takes minutes on
 *       2 cores (PoCL included), with the CPU targets of PERFORMANCE.md where they fit;</li>
 *   <li>{@link Profile#GPU}: the H200 shapes of PERFORMANCE.md, for CUDA devices.</li>
 * </ul>
 */
final class Catalog {
    private Catalog() {
    }

    enum Profile {
        QUICK, HOST, GPU
    }

    /** Op name to its bench, in run order. */
    static final Map<String, BenchOp> OPS = ops();

    private static Map<String, BenchOp> ops() {
        Map<String, BenchOp> ops = new LinkedHashMap<>();
        ops.put("gemm", new GemmBench(false));
        ops.put("matmul", new GemmBench(true));
        ops.put("softmax", new SoftmaxBench());
        ops.put("attention", new AttentionBench(false, false));
        ops.put("attention-causal", new AttentionBench(true, false));
        ops.put("decode", new AttentionBench(true, true));
        ops.put("topKGating", new GatingBench());
        ops.put("topK", new TopKBench());
        ops.put("convert", new ConvertBench());
        return Collections.unmodifiableMap(ops);
    }

    private static final List<Case> QUICK = List.of(
            c("gemm", F32, F32, "M", 128, "N", 128, "K", 128),
            c("gemm", BF16, BF16, "M", 128, "N", 128, "K", 128),
            c("matmul", F32, F32, "B", 4, "M", 64, "K", 96, "N", 80),
            c("softmax", F32, F32, "rows", 256, "cols", 1000),
            c("softmax", BF16, BF16, "rows", 256, "cols", 1000),
            c("attention", F32, F32, "B", 1, "Hq", 4, "Hkv", 4, "Sq", 128, "Skv", 128, "D", 64),
            c("attention-causal", F32, F32, "B", 1, "Hq", 4, "Hkv", 4, "Sq", 128, "Skv", 128, "D", 64),
            c("decode", F32, F32, "B", 1, "Hq", 8, "Hkv", 2, "Sq", 1, "Skv", 1024, "D", 64),
            c("topKGating", F32, F32, "T", 512, "E", 64, "k", 2),
            c("topK", F32, F32, "rows", 64, "n", 4096, "k", 16),
            c("convert", F32, BF16, "N", 1 << 20),
            c("convert", BF16, F32, "N", 1 << 20));

    private static final List<Case> HOST = List.of(
            c("gemm", F32, F32, "M", 512, "N", 512, "K", 512),
            c("gemm", F32, F32, "M", 1024, "N", 1024, "K", 1024),
            c("gemm", BF16, BF16, "M", 512, "N", 512, "K", 512),
            c("matmul", F32, F32, "B", 8, "M", 256, "K", 512, "N", 512),
            c("softmax", F32, F32, "rows", 4096, "cols", 4096),
            c("softmax", BF16, BF16, "rows", 1024, "cols", 4096),
            c("attention", F32, F32, "B", 1, "Hq", 8, "Hkv", 8, "Sq", 1024, "Skv", 1024, "D", 64),
            c("attention-causal", F32, F32, "B", 1, "Hq", 8, "Hkv", 8, "Sq", 2048, "Skv", 2048, "D", 64),
            c("decode", F32, F32, "B", 1, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 8192, "D", 128),
            c("topKGating", F32, F32, "T", 4096, "E", 64, "k", 2),
            c("topKGating", F32, F32, "T", 4096, "E", 256, "k", 8),
            c("topK", F32, F32, "rows", 256, "n", 32768, "k", 64),
            c("convert", F32, BF16, "N", 1 << 24),
            c("convert", BF16, F32, "N", 1 << 24));

    private static final List<Case> GPU = List.of(
            c("gemm", F32, F32, "M", 4096, "N", 4096, "K", 4096),
            c("gemm", BF16, BF16, "M", 4096, "N", 4096, "K", 4096),
            c("gemm", BF16, BF16, "M", 8192, "N", 8192, "K", 8192),
            c("matmul", BF16, BF16, "B", 4, "M", 2048, "K", 4096, "N", 4096),
            c("softmax", F32, F32, "rows", 32768, "cols", 4096),
            c("softmax", F32, F32, "rows", 4096, "cols", 65536),
            c("softmax", BF16, BF16, "rows", 32768, "cols", 4096),
            c("attention", BF16, BF16, "B", 4, "Hq", 32, "Hkv", 32, "Sq", 4096, "Skv", 4096, "D", 128),
            c("attention-causal", BF16, BF16, "B", 4, "Hq", 32, "Hkv", 32, "Sq", 4096, "Skv", 4096, "D", 128),
            c("decode", BF16, BF16, "B", 8, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 32768, "D", 128),
            c("topKGating", F32, F32, "T", 16384, "E", 64, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 64, "k", 8),
            c("topKGating", F32, F32, "T", 16384, "E", 128, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 128, "k", 8),
            c("topKGating", F32, F32, "T", 16384, "E", 256, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 256, "k", 8),
            c("topK", F32, F32, "rows", 4096, "n", 32768, "k", 64),
            c("convert", F32, BF16, "N", 1 << 27),
            c("convert", BF16, F32, "N", 1 << 27));

    static List<Case> cases(Profile profile) {
        return switch (profile) {
            case QUICK -> QUICK;
            case HOST -> HOST;
            case GPU -> GPU;
        };
    }

    static BenchOp op(Case c) {
        return OPS.get(c.op());
    }

    private static Case c(String op, DType dtype, DType out, Object... dims) {
        if (!OPS.containsKey(op)) {
            throw new IllegalStateException("catalog: unknown op " + op);
        }
        return Case.of(op, dtype, out, dims);
    }
}
