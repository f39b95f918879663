package dev.panamax.cuda;

import dev.panamax.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * The Java side of the kernel ABI against the C side, without a GPU: the parameter layouts of
 * {@link CudaKernels} against the PX_OFFSET / PX_SIZE lines of kernels/cuda (which nvcc checks
 * against the real structs with static_assert), the dynamic shared memory against PX_SMEM, and
 * every kernel name CudaKernels may launch against the extern "C" kernels the sources define.
 */
class CudaKernelsLayoutTest {
    private static final Pattern OFFSET = Pattern.compile("PX_OFFSET\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*,\\s*(\\d+)\\s*\\)");
    private static final Pattern SIZE = Pattern.compile("PX_SIZE\\(\\s*(\\w+)\\s*,\\s*(\\d+)\\s*\\)");
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
    void parameterLayoutsMatchTheCStructs() throws IOException {
        String src = sources();
        Map<String, Map<String, Integer>> cOffsets = new TreeMap<>();
        Matcher m = OFFSET.matcher(src);
        while (m.find()) {
            cOffsets.computeIfAbsent(m.group(1), s -> new LinkedHashMap<>()).put(m.group(2), Integer.parseInt(m.group(3)));
        }
        Map<String, Integer> cSizes = new TreeMap<>();
        m = SIZE.matcher(src);
        while (m.find()) {
            cSizes.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Set<String> javaStructs = new HashSet<>();
        for (CudaLaunchStruct s : CudaKernels.STRUCTS) {
            javaStructs.add(s.cName());
            assertTrue(cOffsets.containsKey(s.cName()), "no PX_OFFSET lines for " + s.cName());
            assertEquals(cOffsets.get(s.cName()), s.offsets(), s.cName() + " field offsets (C vs Java)");
            assertEquals(cSizes.get(s.cName()), s.size(), "sizeof(" + s.cName() + ")");
        }
        assertEquals(cSizes.keySet(), javaStructs, "structs pinned in kernels/cuda vs layouts in CudaKernels");
    }

    @Test
    void sharedMemoryMatchesTheKernels() throws IOException {
        Map<String, Integer> c = new TreeMap<>();
        Matcher m = SMEM.matcher(sources());
        while (m.find()) {
            c.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(c, new TreeMap<>(CudaKernels.sharedBytes()));
    }

    @Test
    void everyLaunchedKernelIsDefined() throws IOException {
        Set<String> defined = definedKernels(sources());
        List<String> missing = new ArrayList<>();
        CudaKernels.kernelNames().forEach((op, names) -> names.stream().filter(n -> !defined.contains(n))
                .forEach(n -> missing.add(op + ": " + n)));
        assertTrue(missing.isEmpty(), "kernels CudaKernels launches but kernels/cuda does not define: " + missing
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
    void packerWritesEachFieldAtItsOffset() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = CudaKernels.GEMM.pack(arena)
                    .ptr("a", 0x1111L).ptr("b", 0x2222L).ptr("c", 0x3333L)
                    .i64("batch", 2).i64("m", 3).i64("n", 5).i64("k", 7).i64("strideB", 35)
                    .f32("alpha", 1.5f).f32("beta", -0.25f)
                    .i32("transA", true).i32("transB", false).i32("cF32", 1)
                    .segment();
            Map<String, Integer> off = CudaKernels.GEMM.offsets();
            assertEquals(88, s.byteSize());
            assertEquals(0x2222L, s.get(ValueLayout.JAVA_LONG, off.get("b")));
            assertEquals(7L, s.get(ValueLayout.JAVA_LONG, off.get("k")));
            assertEquals(-0.25f, s.get(ValueLayout.JAVA_FLOAT, off.get("beta")));
            assertEquals(1, s.get(ValueLayout.JAVA_INT, off.get("transA")));
            assertEquals(0, s.get(ValueLayout.JAVA_INT, off.get("transB")));
        }
    }

    @Test
    void packerRefusesMissingOrMistypedFields() {
        try (Arena arena = Arena.ofConfined()) {
            CudaLaunchStruct.Packer p = CudaKernels.SOFTMAX.pack(arena).ptr("x", 1).ptr("out", 2).i64("rows", 3);
            IllegalStateException e = assertThrows(IllegalStateException.class, p::segment);
            assertTrue(e.getMessage().contains("cols"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaKernels.SOFTMAX.pack(arena).i32("cols", 1));
            assertThrows(IllegalArgumentException.class, () -> CudaKernels.SOFTMAX.pack(arena).ptr("nope", 1));
        }
    }

    @Test
    void builderAlignsLikeC() {
        // struct { int a; long long b; float c; } -> a@0, b@8, c@16, sizeof 24
        CudaLaunchStruct s = CudaLaunchStruct.named("T").i32("a").i64("b").f32("c").build();
        assertEquals(Map.of("a", 0, "b", 8, "c", 16), s.offsets());
        assertEquals(24, s.size());
    }

    @Test
    void variantChoices() {
        assertEquals("softmax_row_warp_f32", CudaKernels.softmaxKernel(DType.F32, 1024));
        assertEquals("softmax_row_block_bf16", CudaKernels.softmaxKernel(DType.BF16, 1025));
        assertEquals("softmax_row_block_f16", CudaKernels.softmaxKernel(DType.F16, 4096));
        assertEquals("softmax_row_block_wide_f16", CudaKernels.softmaxKernel(DType.F16, 4097));
        assertEquals("softmax_row_block_wide_f32", CudaKernels.softmaxKernel(DType.F32, 16384));
        assertEquals("softmax_row_online_f32", CudaKernels.softmaxKernel(DType.F32, 16385));
        assertEquals("attention_bf16_mma_d64", CudaKernels.attentionKernel(DType.BF16, 1));
        assertEquals("attention_f16_mma_d128", CudaKernels.attentionKernel(DType.F16, 65));
        assertEquals("attention_f32_tiled_d256", CudaKernels.attentionKernel(DType.F32, 129));
        assertEquals("topk_gating_warp_e128_f32", CudaKernels.gatingKernel(DType.F32, 128));
        assertEquals("topk_gating_warp_e1024_bf16", CudaKernels.gatingKernel(DType.BF16, 257));
        assertEquals("topk_gating_block_e4096_f16", CudaKernels.gatingKernel(DType.F16, 1025));
        // the wgmma GEMM: asked for, 16-bit, compute capability 9.0 and the sm_90a cubin loaded, or the default
        assertEquals("gemm_bf16_wgmma", CudaKernels.gemmKernel(DType.BF16, 90, true, true));
        assertEquals("gemm_f16_wgmma", CudaKernels.gemmKernel(DType.F16, 90, true, true));
        assertEquals("gemm_bf16_mma", CudaKernels.gemmKernel(DType.BF16, 90, false, true));
        assertEquals("gemm_f16_mma", CudaKernels.gemmKernel(DType.F16, 90, true, false));
        assertEquals("gemm_bf16_mma", CudaKernels.gemmKernel(DType.BF16, 89, true, true));
        assertEquals("gemm_f16_mma", CudaKernels.gemmKernel(DType.F16, 100, true, true));
        assertEquals("gemm_f32_tiled", CudaKernels.gemmKernel(DType.F32, 90, true, true));
        assertEquals(false, CudaKernels.wgmmaRequested(""));
        assertEquals(false, CudaKernels.wgmmaRequested("mma"));
        assertEquals(true, CudaKernels.wgmmaRequested("wgmma"));
        assertThrows(IllegalArgumentException.class, () -> CudaKernels.wgmmaRequested("WGMMA"));
        assertEquals("convert_copy", CudaKernels.convertKernel(DType.BF16, DType.BF16));
        assertEquals("convert_f16_bf16", CudaKernels.convertKernel(DType.F16, DType.BF16));
        // top-K chunks: the row rounded up to a power of two (at least 64) when it fits, else 4096
        assertEquals(64, CudaKernels.topKChunk(1));
        assertEquals(64, CudaKernels.topKChunk(64));
        assertEquals(128, CudaKernels.topKChunk(65));
        assertEquals(4096, CudaKernels.topKChunk(4095));
        assertEquals(4096, CudaKernels.topKChunk(1L << 40));
        // split-KV only when row blocks leave multiprocessors idle and there are keys to share
        assertEquals(1, CudaKernels.attentionSplits(132, 512, 132));
        assertEquals(1, CudaKernels.attentionSplits(4, 7, 132));
        assertEquals(4, CudaKernels.attentionSplits(64, 512, 132));  // decode B=8, Hkv=8: 256 blocks <= 264 slots
        assertEquals(64, CudaKernels.attentionSplits(1, 4096, 132));
        assertEquals(2, CudaKernels.attentionSplits(1, 8, 132));
    }
}
