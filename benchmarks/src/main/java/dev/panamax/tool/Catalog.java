package dev.panamax.tool;

import dev.panamax.DType;

import java.util.ArrayList;
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
 *   <li>{@link Profile#QUICK}: small shapes on any device, a whole run in well under a minute on
 *       2 cores (rates at these shapes are lower than at the large ones, but warm);</li>
 *   <li>{@link Profile#HOST}: the {@code cpu} device, at the shapes of the CPU targets
 *       (benchmarks/TARGETS.md): GEMM F32 at 512, 1024, 2048 cubed and at the model shapes
 *       M = 4096 with (K, N) in (384, 1536), (1536, 384), (384, 384), (4096, 4096), with the
 *       OpenBLAS peer beside each; few-row products (decoding); softmax [4096, 4096];
 *       causal attention B=1, H=8, S=2048, D=64 and a GEMM of the same FLOPs; minutes on 2 cores;</li>
 *   <li>{@link Profile#OPENCL}: OpenCL devices, moderate shapes (on PoCL, which runs the
 *       GPU-shaped kernels on the CPU, a run takes minutes);</li>
 *   <li>{@link Profile#GPU}: the H200 shapes of the GPU targets, for CUDA devices.</li>
 * </ul>
 */
final class Catalog {
    private Catalog() {
    }

    enum Profile {
        QUICK, HOST, OPENCL, GPU;

        /** The profile for a device spec: quick when asked, else by backend. */
        static Profile of(String spec, boolean quick) {
            if (quick) {
                return QUICK;
            }
            return spec.startsWith("cuda") ? GPU : spec.startsWith("opencl") ? OPENCL : HOST;
        }
    }

    /** Op name to its bench, in run order. */
    static final Map<String, BenchOp> OPS = ops();

    private static Map<String, BenchOp> ops() {
        Map<String, BenchOp> ops = new LinkedHashMap<>();
        ops.put("gemm", new GemmBench(false));
        ops.put("matmul", new GemmBench(true));
        ops.put("gemm-packed", GemmBench.packed());
        ops.put("softmax", new SoftmaxBench());
        ops.put("attention", new AttentionBench(false, false));
        ops.put("attention-causal", new AttentionBench(true, false));
        ops.put("decode", new AttentionBench(true, true));
        ops.put("topKGating", new GatingBench());
        ops.put("topK", new TopKBench());
        ops.put("convert", new ConvertBench());
        // embedding, rope, writeCache
        ops.put("embedding", new EmbeddingBench());
        ops.put("rope", new RopeBench());
        ops.put("writeCache", new CacheBench());
        elementwiseAndNormOps(ops);
        permuteOps(ops);
        moeOps(ops);
        int8Ops(ops);
        return Collections.unmodifiableMap(ops);
    }

    private static final List<Case> QUICK = List.of(
            // F32 at the host profile's smallest shape, so that the two compare; at 128^3 or 256^3 a
            // warm CPU GEMM runs at a third to a half of its large-shape rate (thread hand-offs)
            c("gemm", F32, F32, "M", 512, "N", 512, "K", 512),
            c("gemm", BF16, BF16, "M", 256, "N", 256, "K", 256),
            c("matmul", F32, F32, "B", 4, "M", 64, "K", 96, "N", 80),
            c("softmax", F32, F32, "rows", 256, "cols", 1000),
            c("softmax", BF16, BF16, "rows", 256, "cols", 1000),
            c("attention", F32, F32, "B", 1, "Hq", 4, "Hkv", 4, "Sq", 128, "Skv", 128, "D", 64),
            c("attention-causal", F32, F32, "B", 1, "Hq", 4, "Hkv", 4, "Sq", 128, "Skv", 128, "D", 64),
            c("decode", F32, F32, "B", 1, "Hq", 8, "Hkv", 2, "Sq", 1, "Skv", 1024, "D", 64),
            c("topKGating", F32, F32, "T", 512, "E", 64, "k", 2),
            c("topK", F32, F32, "rows", 64, "n", 4096, "k", 16),
            c("convert", F32, BF16, "N", 1 << 20),
            c("convert", BF16, F32, "N", 1 << 20),
            // embedding, rope, writeCache
            c("embedding", F32, F32, "V", 1000, "H", 256, "N", 512),
            c("rope", F32, F32, "B", 1, "H", 8, "S", 128, "D", 64),
            c("rope", BF16, BF16, "B", 1, "H", 8, "S", 128, "D", 64, "interleaved", 1),
            c("writeCache", BF16, BF16, "B", 4, "H", 8, "T", 16, "Smax", 256, "D", 64));

    /** OpenCL devices: moderate shapes. */
    private static final List<Case> OPENCL = List.of(
            c("gemm", F32, F32, "M", 512, "N", 512, "K", 512),
            c("gemm", F32, F32, "M", 1024, "N", 1024, "K", 1024),
            c("gemm", BF16, BF16, "M", 512, "N", 512, "K", 512),
            c("matmul", F32, F32, "B", 8, "M", 256, "K", 512, "N", 512),
            c("softmax", F32, F32, "rows", 4096, "cols", 4096),
            c("softmax", BF16, BF16, "rows", 1024, "cols", 4096),
            c("attention", F32, F32, "B", 1, "Hq", 8, "Hkv", 8, "Sq", 1024, "Skv", 1024, "D", 64),
            c("attention-causal", F32, F32, "B", 1, "Hq", 8, "Hkv", 8, "Sq", 2048, "Skv", 2048, "D", 64),
            c("decode", F32, F32, "B", 1, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 8192, "D", 128),
            // kvLengths: a cache of 8192 rows, all in use or half (half the keys: about half the time)
            c("decode", F32, F32, "B", 1, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 8192, "L", 8192, "D", 128),
            c("decode", F32, F32, "B", 1, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 8192, "L", 4096, "D", 128),
            c("topKGating", F32, F32, "T", 4096, "E", 64, "k", 2),
            c("topKGating", F32, F32, "T", 4096, "E", 256, "k", 8),
            c("topK", F32, F32, "rows", 256, "n", 32768, "k", 64),
            c("convert", F32, BF16, "N", 1 << 24),
            c("convert", BF16, F32, "N", 1 << 24),
            // embedding, rope, writeCache: a decoding step (T = 1) and a 512-token prefill into the cache
            c("embedding", F32, F32, "V", 32000, "H", 1024, "N", 2048),
            c("embedding", BF16, BF16, "V", 32000, "H", 1024, "N", 2048),
            c("rope", F32, F32, "B", 1, "H", 32, "S", 512, "D", 128),
            c("rope", BF16, BF16, "B", 1, "H", 32, "S", 512, "D", 128),
            c("writeCache", BF16, BF16, "B", 8, "H", 8, "T", 1, "Smax", 2048, "D", 128),
            c("writeCache", BF16, BF16, "B", 1, "H", 8, "T", 512, "Smax", 2048, "D", 128));

    /** The CPU: the OpenCL shapes, and after their F32 GEMMs those of the CPU GEMM targets. */
    private static final List<Case> HOST = insertAfter(insertAfter(OPENCL, "gemm F32 M=1024 N=1024 K=1024", List.of(
            c("gemm", F32, F32, "M", 2048, "N", 2048, "K", 2048),
            // the FLOPs of attention-causal below (4.3 GFLOP): its CPU target is a ratio to this rate
            c("gemm", F32, F32, "M", 2048, "N", 1024, "K", 1024),
            // the model shapes: a transformer's projections and MLP at 4096 tokens
            c("gemm", F32, F32, "M", 4096, "N", 1536, "K", 384),
            c("gemm", F32, F32, "M", 4096, "N", 384, "K", 1536),
            c("gemm", F32, F32, "M", 4096, "N", 384, "K", 384),
            c("gemm", F32, F32, "M", 4096, "N", 4096, "K", 4096),
            // decoding: a few rows against a 64 MiB weight, stored [K, N] and transposed [N, K]
            c("gemm", F32, F32, "M", 1, "N", 4096, "K", 4096),
            c("gemm", F32, F32, "M", 1, "N", 4096, "K", 4096, "transB", 1),
            c("gemm", F32, F32, "M", 8, "N", 4096, "K", 4096),
            c("gemm", F32, F32, "M", 8, "N", 4096, "K", 4096, "transB", 1),
            // decoding with BF16 weights stored [N, K] (nn.Linear), square and wide (a llama MLP)
            c("gemm", BF16, F32, "M", 1, "N", 4096, "K", 4096, "transB", 1),
            c("gemm", BF16, BF16, "M", 1, "N", 4096, "K", 4096, "transB", 1),
            c("gemm", BF16, F32, "M", 1, "N", 11264, "K", 2048, "transB", 1))),
            // embedding, rope, writeCache past the caches: a 512 MiB table, a 64 MiB x, a 128 MiB cache
            "writeCache BF16 B=1 H=8 T=512 Smax=2048 D=128", List.of(
            c("embedding", F32, F32, "V", 32000, "H", 4096, "N", 4096),
            c("rope", F32, F32, "B", 1, "H", 32, "S", 4096, "D", 128),
            c("rope", BF16, BF16, "B", 1, "H", 32, "S", 4096, "D", 128),
            c("writeCache", BF16, BF16, "B", 8, "H", 8, "T", 1, "Smax", 8192, "D", 128),
            c("writeCache", BF16, BF16, "B", 1, "H", 8, "T", 512, "Smax", 8192, "D", 128)));

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
            c("decode", BF16, BF16, "B", 8, "Hq", 32, "Hkv", 8, "Sq", 1, "Skv", 32768, "L", 16384, "D", 128), // kvLengths
            c("topKGating", F32, F32, "T", 16384, "E", 64, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 64, "k", 8),
            c("topKGating", F32, F32, "T", 16384, "E", 128, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 128, "k", 8),
            c("topKGating", F32, F32, "T", 16384, "E", 256, "k", 2),
            c("topKGating", F32, F32, "T", 16384, "E", 256, "k", 8),
            c("topK", F32, F32, "rows", 4096, "n", 32768, "k", 64),
            c("convert", F32, BF16, "N", 1 << 27),
            c("convert", BF16, F32, "N", 1 << 27),
            // embedding, rope, writeCache: Llama-shaped (H = 4096, 32 heads of 128, 8 kv heads)
            c("embedding", F32, F32, "V", 32000, "H", 4096, "N", 4096),
            c("embedding", BF16, BF16, "V", 32000, "H", 4096, "N", 16384),
            c("rope", F32, F32, "B", 1, "H", 32, "S", 4096, "D", 128),
            c("rope", BF16, BF16, "B", 1, "H", 32, "S", 4096, "D", 128),
            c("rope", BF16, BF16, "B", 4, "H", 32, "S", 4096, "D", 128),
            c("rope", BF16, BF16, "B", 64, "H", 32, "S", 1, "D", 128),
            c("writeCache", BF16, BF16, "B", 8, "H", 8, "T", 1, "Smax", 8192, "D", 128),
            c("writeCache", BF16, BF16, "B", 8, "H", 8, "T", 512, "Smax", 8192, "D", 128));

    static List<Case> cases(Profile profile) {
        List<Case> cases = switch (profile) {
            case QUICK -> QUICK;
            case HOST -> HOST;
            case OPENCL -> OPENCL;
            case GPU -> GPU;
        };
        return concat(concat(concat(concat(concat(cases, elementwiseAndNormCases(profile)), permuteCases(profile)),
                moeCases(profile)), int8Cases(profile)), packedCases(profile));
    }

    static BenchOp op(Case c) {
        return OPS.get(c.op());
    }

    private static List<Case> insertAfter(List<Case> cases, String id, List<Case> more) {
        List<Case> out = new ArrayList<>(cases);
        int at = out.stream().map(Case::id).toList().indexOf(id);
        if (at < 0) {
            throw new IllegalStateException("catalog: no case " + id);
        }
        out.addAll(at + 1, more);
        return List.copyOf(out);
    }

    private static Case c(String op, DType dtype, DType out, Object... dims) {
        if (!OPS.containsKey(op)) {
            throw new IllegalStateException("catalog: unknown op " + op);
        }
        return Case.of(op, dtype, out, dims);
    }

    // ---------------------------------------------------------------- elementwise and norm families

    private static void elementwiseAndNormOps(Map<String, BenchOp> ops) {
        ops.put("add", new ElementwiseBench(ElementwiseBench.Kind.ADD));
        ops.put("mul", new ElementwiseBench(ElementwiseBench.Kind.MUL));
        ops.put("gelu", new ElementwiseBench(ElementwiseBench.Kind.GELU));
        ops.put("gelu-tanh", new ElementwiseBench(ElementwiseBench.Kind.GELU_TANH));
        ops.put("silu", new ElementwiseBench(ElementwiseBench.Kind.SILU));
        ops.put("swiglu", new ElementwiseBench(ElementwiseBench.Kind.SWIGLU));
        ops.put("layerNorm", new NormBench(NormBench.Kind.LAYER_NORM));
        ops.put("rmsNorm", new NormBench(NormBench.Kind.RMS_NORM));
        ops.put("addRmsNorm", new NormBench(NormBench.Kind.ADD_RMS_NORM));
    }

    private static final List<Case> ELEMENTWISE_NORM_QUICK = List.of(
            c("add", F32, F32, "rows", 256, "cols", 1024),
            c("add", F32, F32, "rows", 256, "cols", 1024, "bias", 1),
            c("mul", BF16, BF16, "rows", 256, "cols", 1024),
            c("gelu", F32, F32, "rows", 256, "cols", 1024),
            c("gelu-tanh", BF16, BF16, "rows", 256, "cols", 1024),
            c("silu", F32, F32, "rows", 256, "cols", 1024),
            c("swiglu", BF16, BF16, "rows", 256, "cols", 1024),
            c("layerNorm", F32, F32, "rows", 256, "cols", 1024),
            c("rmsNorm", BF16, BF16, "rows", 256, "cols", 1024),
            c("addRmsNorm", BF16, BF16, "rows", 256, "cols", 1024));

    /** OpenCL devices, and the CPU before its own shapes: a 4096-wide model's activations at 4096 tokens. */
    private static final List<Case> ELEMENTWISE_NORM_OPENCL = List.of(
            c("add", F32, F32, "rows", 4096, "cols", 4096),
            c("add", F32, F32, "rows", 4096, "cols", 4096, "bias", 1),
            c("mul", F32, F32, "rows", 4096, "cols", 4096),
            c("gelu", F32, F32, "rows", 4096, "cols", 4096),
            c("gelu-tanh", F32, F32, "rows", 4096, "cols", 4096),
            c("silu", F32, F32, "rows", 4096, "cols", 4096),
            c("swiglu", BF16, BF16, "rows", 4096, "cols", 4096),
            c("layerNorm", F32, F32, "rows", 4096, "cols", 4096),
            c("layerNorm", BF16, BF16, "rows", 4096, "cols", 4096),
            c("rmsNorm", F32, F32, "rows", 4096, "cols", 4096),
            c("rmsNorm", BF16, BF16, "rows", 4096, "cols", 4096),
            c("addRmsNorm", BF16, BF16, "rows", 4096, "cols", 4096));

    /** The CPU: the OpenCL shapes, then the CPU target shape of the row ops, [8192, 4096] in F32 and BF16. */
    private static final List<Case> ELEMENTWISE_NORM_HOST = concat(ELEMENTWISE_NORM_OPENCL, targetShape());

    private static List<Case> targetShape() {
        List<Case> cases = new ArrayList<>();
        for (String op : List.of("add", "gelu", "silu", "swiglu", "layerNorm", "rmsNorm", "addRmsNorm")) {
            for (DType t : List.of(F32, BF16)) {
                cases.add(c(op, t, t, "rows", 8192, "cols", 4096));
            }
        }
        return cases;
    }

    /** H200: 32768 tokens of a 4096-wide model, its 14336-wide MLP, short rows (a warp each) and long ones. */
    private static final List<Case> ELEMENTWISE_NORM_GPU = List.of(
            c("add", BF16, BF16, "rows", 32768, "cols", 4096),
            c("add", F32, F32, "rows", 32768, "cols", 4096, "bias", 1),
            c("mul", BF16, BF16, "rows", 32768, "cols", 4096),
            c("gelu", BF16, BF16, "rows", 32768, "cols", 14336),
            c("gelu-tanh", BF16, BF16, "rows", 32768, "cols", 14336),
            c("silu", BF16, BF16, "rows", 32768, "cols", 14336),
            c("swiglu", BF16, BF16, "rows", 32768, "cols", 14336),
            c("layerNorm", F32, F32, "rows", 32768, "cols", 4096),
            c("layerNorm", BF16, BF16, "rows", 32768, "cols", 4096),
            c("layerNorm", BF16, BF16, "rows", 262144, "cols", 512),
            c("layerNorm", F32, F32, "rows", 2048, "cols", 65536),
            c("rmsNorm", F32, F32, "rows", 32768, "cols", 4096),
            c("rmsNorm", BF16, BF16, "rows", 32768, "cols", 4096),
            c("rmsNorm", BF16, BF16, "rows", 8192, "cols", 16384),
            c("addRmsNorm", BF16, BF16, "rows", 32768, "cols", 4096));

    private static List<Case> elementwiseAndNormCases(Profile profile) {
        return switch (profile) {
            case QUICK -> ELEMENTWISE_NORM_QUICK;
            case HOST -> ELEMENTWISE_NORM_HOST;
            case OPENCL -> ELEMENTWISE_NORM_OPENCL;
            case GPU -> ELEMENTWISE_NORM_GPU;
        };
    }

    private static List<Case> concat(List<Case> a, List<Case> b) {
        List<Case> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- permute

    private static void permuteOps(Map<String, BenchOp> ops) {
        ops.put("permute", new PermuteBench());
    }

    /** [B, S, H, D] to [B, H, S, D]: a BERT-base-sized batch on QUICK, 8 x 512 tokens of 32 heads of 128 elsewhere. */
    private static List<Case> permuteCases(Profile profile) {
        if (profile == Profile.QUICK) {
            return List.of(c("permute", F32, F32, "B", 2, "S", 128, "H", 12, "D", 64));
        }
        return List.of(
                c("permute", F32, F32, "B", 8, "S", 512, "H", 32, "D", 128),
                c("permute", BF16, BF16, "B", 8, "S", 512, "H", 32, "D", 128));
    }

    // ---------------------------------------------------------------- moe family (moe, groupedMatmul)

    private static void moeOps(Map<String, BenchOp> ops) {
        ops.put("moe", new MoeBench(false));
        ops.put("groupedMatmul", new MoeBench(true));
        ops.put("moe-packed", MoeBench.packedExperts());
    }

    /** moe at T = 1, 16 and 512 (and the grouped GEMM under it at T = 512) for one expert shape. */
    private static List<Case> moeShape(DType dtype, long hidden, long ffn, long experts, long k) {
        List<Case> cases = new ArrayList<>();
        for (long tokens : new long[] {1, 16, 512}) {
            cases.add(c("moe", dtype, dtype, "T", tokens, "H", hidden, "F", ffn, "E", experts, "k", k));
        }
        cases.add(c("groupedMatmul", dtype, dtype, "T", 512, "H", hidden, "F", ffn, "E", experts, "k", k));
        return cases;
    }

    /** Small enough for the CUDA emulator's rehearsal of the bundle. */
    private static final List<Case> MOE_QUICK = List.of(
            c("moe", F32, F32, "T", 1, "H", 512, "F", 1024, "E", 8, "k", 2),
            c("moe", BF16, BF16, "T", 64, "H", 512, "F", 1024, "E", 8, "k", 2),
            c("groupedMatmul", F32, F32, "T", 64, "H", 512, "F", 1024, "E", 8, "k", 2),
            c("moe-packed", F32, F32, "T", 64, "H", 512, "F", 1024, "E", 8, "k", 2));

    /** PoCL runs the GPU-shaped tiles on the CPU: small experts (moe-packed: the experts as given, the same kernels). */
    private static final List<Case> MOE_OPENCL = concat(concat(moeShape(F32, 1024, 1024, 8, 2), moeShape(F32, 1024, 256, 64, 8)),
            List.of(c("moe-packed", F32, F32, "T", 512, "H", 1024, "F", 1024, "E", 8, "k", 2)));

    /**
     * The host: the Mixtral shape with F = 14336 / 4 (the three F32 weight tensors of E = 8 at the
     * full F are 5.6 GB, more than a 23 GB machine shared with other builds holds twice over), the
     * many-expert shape (E = 64, k = 8, F = 1408) in full, and the dense GEMM of the same FLOPs as
     * moe T = 512 of the Mixtral shape ([1024, 4096] by a [3584, 4096] weight) beside them: the
     * rate moe at many rows is compared with. Then moe with the experts packed (moe-packed) at the
     * same shapes, and the dense product with its weight packed.
     */
    private static final List<Case> MOE_HOST = concat(concat(concat(moeShape(F32, 4096, 3584, 8, 2), moeShape(F32, 4096, 1408, 64, 8)),
            List.of(c("gemm", F32, F32, "M", 1024, "N", 3584, "K", 4096, "transB", 1))),
            concat(concat(packedMoeShape(F32, 4096, 3584, 8, 2), packedMoeShape(F32, 4096, 1408, 64, 8)),
                    List.of(c("gemm-packed", F32, F32, "M", 1024, "N", 3584, "K", 4096, "transB", 1))));

    /** moe-packed at T = 1, 16 and 512 for one expert shape. */
    private static List<Case> packedMoeShape(DType dtype, long hidden, long ffn, long experts, long k) {
        List<Case> cases = new ArrayList<>();
        for (long tokens : new long[] {1, 16, 512}) {
            cases.add(c("moe-packed", dtype, dtype, "T", tokens, "H", hidden, "F", ffn, "E", experts, "k", k));
        }
        return cases;
    }

    /**
     * H200: Mixtral in full (H = 4096, F = 14336, E = 8, k = 2) and E = 64, k = 8, F = 1408, BF16 and F32;
     * moe-packed once (the GPUs keep packed experts as given: the same kernels).
     */
    private static final List<Case> MOE_GPU = concat(concat(concat(moeShape(BF16, 4096, 14336, 8, 2), moeShape(BF16, 4096, 1408, 64, 8)),
            moeShape(F32, 4096, 14336, 8, 2)), List.of(c("moe-packed", BF16, BF16, "T", 512, "H", 4096, "F", 14336, "E", 8, "k", 2)));

    private static List<Case> moeCases(Profile profile) {
        return switch (profile) {
            case QUICK -> MOE_QUICK;
            case HOST -> MOE_HOST;
            case OPENCL -> MOE_OPENCL;
            case GPU -> MOE_GPU;
        };
    }

    // ---------------------------------------------------------------- INT8 (quantize, dequantize, matmul-i8)

    private static void int8Ops(Map<String, BenchOp> ops) {
        ops.put("quantize", new Int8Bench(Int8Bench.Kind.QUANTIZE));
        ops.put("dequantize", new Int8Bench(Int8Bench.Kind.DEQUANTIZE));
        ops.put("matmul-i8", new Int8Bench(Int8Bench.Kind.MATMUL));
        ops.put("moe-i8", new MoeBench(false, true));
    }

    /** An INT8 matmul: x [M, K] of dtype times an INT8 weight [N, K]; a8 1 for W8A8, 0 for W8A16. */
    private static Case i8(DType dtype, long m, long n, long k, int a8) {
        return c("matmul-i8", dtype, dtype, "M", m, "N", n, "K", k, "a8", a8);
    }

    /** moe with INT8 experts (a8 1 for W8A8, 0 for W8A16). */
    private static Case moeI8(DType dtype, long tokens, long hidden, long ffn, long experts, long k, int a8) {
        return c("moe-i8", dtype, dtype, "T", tokens, "H", hidden, "F", ffn, "E", experts, "k", k, "a8", a8);
    }

    private static final List<Case> INT8_QUICK = List.of(
            c("quantize", F32, F32, "N", 256, "K", 512), c("dequantize", F32, F32, "N", 256, "K", 512),
            i8(F32, 1, 512, 512, 0), i8(BF16, 1, 512, 512, 1), i8(F32, 64, 256, 512, 1),
            moeI8(F32, 1, 512, 1024, 8, 2, 0), moeI8(BF16, 64, 512, 1024, 8, 2, 1));

    private static final List<Case> INT8_OPENCL = List.of(
            c("quantize", F32, F32, "N", 1024, "K", 1024), c("dequantize", F32, F32, "N", 1024, "K", 1024),
            i8(F32, 1, 2048, 2048, 0), i8(F32, 1, 2048, 2048, 1), i8(F32, 256, 1024, 1024, 0), i8(F32, 256, 1024, 1024, 1),
            moeI8(F32, 1, 1024, 1024, 8, 2, 0), moeI8(F32, 64, 1024, 1024, 8, 2, 1));

    /**
     * The host: quantize and dequantize of a [4096, 4096] weight; decode products (M = 1 and 8)
     * beside the F32 and BF16 GEMV rows of the main table (the same N and K), and M = 512 beside a
     * dense F32 GEMM of the same shape.
     */
    private static final List<Case> INT8_HOST = List.of(
            c("quantize", BF16, BF16, "N", 4096, "K", 4096), c("quantize", F32, F32, "N", 4096, "K", 4096),
            c("dequantize", F32, F32, "N", 4096, "K", 4096),
            i8(F32, 1, 4096, 4096, 0), i8(F32, 1, 4096, 4096, 1), i8(BF16, 1, 4096, 4096, 0), i8(BF16, 1, 11264, 2048, 0),
            i8(F32, 8, 4096, 4096, 0), i8(F32, 8, 4096, 4096, 1),
            i8(F32, 512, 4096, 4096, 0), i8(F32, 512, 4096, 4096, 1),
            c("gemm", F32, F32, "M", 512, "N", 4096, "K", 4096, "transB", 1),
            moeI8(F32, 1, 4096, 3584, 8, 2, 0), moeI8(F32, 1, 4096, 3584, 8, 2, 1), moeI8(F32, 512, 4096, 3584, 8, 2, 1));

    /** H200: decode GEMVs of a 70B-class layer and a square W8A8 GEMM (the torch._int_mm shape). */
    private static final List<Case> INT8_GPU = List.of(
            c("quantize", BF16, BF16, "N", 8192, "K", 8192), c("dequantize", F32, F32, "N", 8192, "K", 8192),
            i8(BF16, 1, 8192, 8192, 0), i8(BF16, 1, 28672, 8192, 0), i8(BF16, 8, 8192, 8192, 0),
            i8(BF16, 4096, 4096, 4096, 0), i8(BF16, 4096, 4096, 4096, 1), i8(BF16, 8192, 8192, 8192, 1),
            moeI8(BF16, 1, 4096, 14336, 8, 2, 0), moeI8(BF16, 512, 4096, 14336, 8, 2, 1));

    private static List<Case> int8Cases(Profile profile) {
        return switch (profile) {
            case QUICK -> INT8_QUICK;
            case HOST -> INT8_HOST;
            case OPENCL -> INT8_OPENCL;
            case GPU -> INT8_GPU;
        };
    }

    // ---------------------------------------------------------------- packed constant matrices (gemm-packed)

    /** A product with b packed: a [M, K] times b [K, N] (stored [N, K] when transB is 1). */
    private static Case packed(DType dtype, long m, long n, long k, int transB) {
        return c("gemm-packed", dtype, dtype, "M", m, "N", n, "K", k, "transB", transB);
    }

    /** A sentence's rows against a MiniLM-sized weight, packed and not, in the same run. */
    private static final List<Case> PACKED_QUICK = List.of(packed(F32, 16, 384, 384, 0), packed(BF16, 16, 256, 256, 1));

    /**
     * The host: all-MiniLM-L6-v2's products at 1 x 16 tokens (up, down, a square projection) packed,
     * beside the same gemm unpacked; a Llama-sized weight in its stored layout.
     */
    private static final List<Case> PACKED_HOST = List.of(
            packed(F32, 16, 1536, 384, 0), c("gemm", F32, F32, "M", 16, "N", 1536, "K", 384),
            packed(F32, 16, 384, 1536, 0), c("gemm", F32, F32, "M", 16, "N", 384, "K", 1536),
            packed(F32, 16, 384, 384, 0), c("gemm", F32, F32, "M", 16, "N", 384, "K", 384),
            packed(F32, 64, 4096, 4096, 1), c("gemm", F32, F32, "M", 64, "N", 4096, "K", 4096, "transB", 1));

    private static final List<Case> PACKED_OPENCL = List.of(packed(F32, 16, 1536, 384, 0), packed(F32, 64, 1024, 1024, 1));

    private static final List<Case> PACKED_GPU = List.of(packed(BF16, 16, 4096, 4096, 1), packed(BF16, 4096, 4096, 4096, 1));

    private static List<Case> packedCases(Profile profile) {
        return switch (profile) {
            case QUICK -> PACKED_QUICK;
            case HOST -> PACKED_HOST;
            case OPENCL -> PACKED_OPENCL;
            case GPU -> PACKED_GPU;
        };
    }
}
