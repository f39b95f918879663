package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.testing.PackageClasses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java side of the kernel ABI against the C side, without a GPU: the dynamic shared memory
 * the op families launch with against the PX_SMEM lines of kernels/cuda (which nvcc checks against
 * the kernels' own constants with static_assert), every kernel name a family may launch against
 * the extern "C" kernels the sources define, and the families' variant choices. A family takes
 * part by declaring static {@code kernelNames()} (and {@code sharedBytesByVariant()} when it
 * launches PX_SMEM-pinned shared memory): the test finds it, no list to update. The parameter
 * structs are KernelStructTest's (kernels/cuda/params.cuh against the families' StructLayouts).
 */
class CudaKernelsLayoutTest {
    private static final Pattern SMEM = Pattern.compile("PX_SMEM\\(\\s*(\\w+)\\s*,\\s*(\\d+)\\s*,");
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\([^)]*\\)\\s*)?(\\w+)\\s*\\(");
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define\\s+(\\w+)\\(([^)]*)\\)(.*)$");

    /** kernels/cuda, found from the module directory (Maven's working directory) or the root. */
    private static Path kernelsDir() {
        for (Path p : List.of(Path.of("..", "kernels", "cuda"), Path.of("kernels", "cuda"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError("kernels/cuda not found from " + Path.of("").toAbsolutePath());
    }

    /** All .cu and .cuh sources, line continuations joined and comments removed. */
    private static String sources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(kernelsDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).sorted().toList()) {
                String text = Files.readString(f).replace("\\\n", " ");
                text = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", "");
                all.append(text).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void sharedMemoryMatchesTheKernels() throws IOException {
        Map<String, Integer> c = new TreeMap<>();
        Matcher m = SMEM.matcher(sources());
        while (m.find()) {
            c.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> java = new TreeMap<>();
        for (Object variants : PackageClasses.call("cuda", "sharedBytesByVariant").values()) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> m2 = (Map<String, Integer>) variants;
            java.putAll(m2);
        }
        assertEquals(c, java);
    }

    @Test
    void everyLaunchedKernelIsDefined() throws IOException {
        Set<String> defined = definedKernels(sources());
        List<String> missing = new ArrayList<>();
        Map<String, Object> launched = PackageClasses.call("cuda", "kernelNames");
        assertTrue(launched.keySet().containsAll(List.of("CudaGemm", "CudaSoftmax", "CudaAttention", "CudaTopK",
                "CudaConvert")), "families found: " + launched.keySet());
        launched.forEach((family, names) -> ((List<?>) names).stream().filter(n -> !defined.contains(n))
                .forEach(n -> missing.add(family + ": " + n)));
        assertTrue(missing.isEmpty(), "kernels the families launch but kernels/cuda does not define: " + missing
                + "; defined: " + new TreeMap<>(Map.of("all", defined)));
    }

    /** extern "C" kernels, written out or produced by a function-like macro of the sources. */
    private static Set<String> definedKernels(String src) {
        Set<String> names = new HashSet<>();
        String body = src.replaceAll("(?m)^#define[^\n]*", "");
        Matcher k = KERNEL.matcher(body);
        while (k.find()) {
            names.add(k.group(1));
        }
        Matcher d = DEFINE.matcher(src);
        while (d.find()) {
            String macro = d.group(1);
            String[] params = d.group(2).split(",");
            String template = d.group(3);
            Matcher use = Pattern.compile("(?m)^" + macro + "\\(([^)]*)\\)").matcher(body);
            while (use.find()) {
                String[] args = use.group(1).split(",");
                String expanded = template;
                for (int i = 0; i < params.length && i < args.length; i++) {
                    expanded = expanded.replaceAll("\\b" + Pattern.quote(params[i].trim()) + "\\b",
                            Matcher.quoteReplacement(args[i].trim()));
                }
                Matcher km = KERNEL.matcher(expanded.replaceAll("\\s*##\\s*", ""));
                while (km.find()) {
                    names.add(km.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void variantChoices() {
        assertEquals("softmax_row_warp_f32", CudaSoftmax.kernel(DType.F32, 1024));
        assertEquals("softmax_row_block_bf16", CudaSoftmax.kernel(DType.BF16, 1025));
        assertEquals("softmax_row_block_f16", CudaSoftmax.kernel(DType.F16, 4096));
        assertEquals("softmax_row_block_wide_f16", CudaSoftmax.kernel(DType.F16, 4097));
        assertEquals("softmax_row_block_wide_f32", CudaSoftmax.kernel(DType.F32, 16384));
        assertEquals("softmax_row_online_f32", CudaSoftmax.kernel(DType.F32, 16385));
        assertEquals("attention_bf16_mma_d64", CudaAttention.kernel(DType.BF16, 1));
        assertEquals("attention_f16_mma_d128", CudaAttention.kernel(DType.F16, 65));
        assertEquals("attention_f32_tiled_d256", CudaAttention.kernel(DType.F32, 129));
        assertEquals("topk_gating_warp_e128_f32", CudaTopK.gatingKernel(DType.F32, 128));
        // INT8: a warp per weight row up to 8 rows of x, then tiles (tensor cores but for W8A16 of F32 x)
        assertEquals("int8_w8a16_rows_bf16", CudaInt8.matmulKernel(DType.BF16, 8, false));
        assertEquals("int8_w8a8_rows_f32", CudaInt8.matmulKernel(DType.F32, 1, true));
        assertEquals("int8_w8a16_mma_f16", CudaInt8.matmulKernel(DType.F16, 9, false));
        assertEquals("int8_w8a16_tiled_f32", CudaInt8.matmulKernel(DType.F32, 9, false));
        assertEquals("int8_w8a8_mma_bf16", CudaInt8.matmulKernel(DType.BF16, 4096, true));
        assertEquals("int8_moe_gate_up_rows_a8", CudaInt8.gateUpKernel(DType.F16, true, true));
        assertEquals("int8_moe_gate_up_mma_bf16", CudaInt8.gateUpKernel(DType.BF16, false, false));
        assertEquals("int8_moe_down_mma_a8", CudaInt8.downKernel(true, false));
        assertEquals("topk_gating_warp_e1024_bf16", CudaTopK.gatingKernel(DType.BF16, 257));
        assertEquals("topk_gating_block_e4096_f16", CudaTopK.gatingKernel(DType.F16, 1025));
        // the wgmma GEMM: asked for, 16-bit, compute capability 9.0 and the sm_90a cubin loaded, or the default
        assertEquals("gemm_bf16_wgmma", CudaGemm.kernel(DType.BF16, 90, true, true));
        assertEquals("gemm_f16_wgmma", CudaGemm.kernel(DType.F16, 90, true, true));
        assertEquals("gemm_bf16_mma", CudaGemm.kernel(DType.BF16, 90, false, true));
        assertEquals("gemm_f16_mma", CudaGemm.kernel(DType.F16, 90, true, false));
        assertEquals("gemm_bf16_mma", CudaGemm.kernel(DType.BF16, 89, true, true));
        assertEquals("gemm_f16_mma", CudaGemm.kernel(DType.F16, 100, true, true));
        assertEquals("gemm_f32_tiled", CudaGemm.kernel(DType.F32, 90, true, true));
        assertEquals(false, CudaGemm.wgmmaRequested(""));
        assertEquals(false, CudaGemm.wgmmaRequested("mma"));
        assertEquals(true, CudaGemm.wgmmaRequested("wgmma"));
        assertThrows(IllegalArgumentException.class, () -> CudaGemm.wgmmaRequested("WGMMA"));
        assertEquals("convert_copy", CudaConvert.kernel(DType.BF16, DType.BF16));
        assertEquals("convert_f16_bf16", CudaConvert.kernel(DType.F16, DType.BF16));
        // top-K chunks: the row rounded up to a power of two (at least 64) when it fits, else 4096
        assertEquals(64, CudaTopK.chunk(1));
        assertEquals(64, CudaTopK.chunk(64));
        assertEquals(128, CudaTopK.chunk(65));
        assertEquals(4096, CudaTopK.chunk(4095));
        assertEquals(4096, CudaTopK.chunk(1L << 40));
        // split-KV only when row blocks leave multiprocessors idle and there are keys to share
        assertEquals(1, CudaAttention.splits(132, 512, 132));
        assertEquals(1, CudaAttention.splits(4, 7, 132));
        assertEquals(4, CudaAttention.splits(64, 512, 132));  // decode B=8, Hkv=8: 256 blocks <= 264 slots
        assertEquals(64, CudaAttention.splits(1, 4096, 132));
        assertEquals(2, CudaAttention.splits(1, 8, 132));
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Test
    void elementwiseAndNormVariantChoices() {
        assertEquals("elementwise_gelu_tanh_bf16", CudaElementwise.kernel(Kernels.ElementwiseOp.GELU_TANH, DType.BF16));
        assertEquals("elementwise_add_f32", CudaElementwise.kernel(Kernels.ElementwiseOp.ADD, DType.F32));
        assertEquals("layer_norm_warp_bf16_gf32", CudaNorm.kernel(Kernels.NormOp.LAYER_NORM, DType.BF16, 1024, "_gf32"));
        assertEquals("rms_norm_block_f16", CudaNorm.kernel(Kernels.NormOp.RMS_NORM, DType.F16, 1025, ""));
        assertEquals("add_rms_norm_block_wide_f32", CudaNorm.kernel(Kernels.NormOp.ADD_RMS_NORM, DType.F32, 16384, ""));
        assertEquals("layer_norm_two_pass_f16_gf32_bf32",
                CudaNorm.kernel(Kernels.NormOp.LAYER_NORM, DType.F16, 16385, "_gf32_bf32"));
    }
}
