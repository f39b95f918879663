package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What CudaKernels and its op families queue, without a GPU: a recording launcher stands in for
 * the device and keeps each launch's kernel, grid, block, shared memory and a copy of its
 * parameter bytes (read back through the family's StructLayout), and the scratch it hands out.
 * Checks variant choice, the values written into each struct, the split-KV and top-K pass
 * sequences, and that every scratch allocation is freed, also when a launch fails.
 */
class CudaKernelsLaunchTest {
    private record FakeMemory(long address, long byteSize) implements Memory {
    }

    private record Launch(String kernel, long grid, int block, int shared, MemorySegment params) {
        long i64(StructLayout s, String field) {
            return (long) KernelStruct.field(s, field).get(params, 0L);
        }

        int i32(StructLayout s, String field) {
            return (int) KernelStruct.field(s, field).get(params, 0L);
        }

        float f32(StructLayout s, String field) {
            return (float) KernelStruct.field(s, field).get(params, 0L);
        }
    }

    private static final class Recorder implements CudaLauncher {
        final List<Launch> launches = new ArrayList<>();
        final Set<Memory> liveScratch = new HashSet<>();
        int scratchAllocations;
        int failAtLaunch = -1;
        long nextAddress = 1L << 40;
        int computeCapability = 90;
        int maxShared = 227 * 1024;
        boolean sm90a = true;
        int probes;

        @Override
        public void launch(String name, long gridX, long gridY, long gridZ, int blockX, int blockY, int blockZ,
                           int dynamicSharedBytes, MemorySegment params) {
            if (launches.size() == failAtLaunch) {
                throw new IllegalStateException("injected launch failure");
            }
            assertEquals(1, gridY);
            assertEquals(1, gridZ);
            assertEquals(1, blockY);
            assertEquals(1, blockZ);
            assertTrue(gridX >= 1 && gridX <= Integer.MAX_VALUE, "grid " + gridX);
            assertTrue(blockX >= 32 && blockX <= 1024 && blockX % 32 == 0, "block " + blockX);
            // what the device checks: the thread's latest struct, which its buffer's first word points at
            MemorySegment kernelParams = LaunchParams.kernelParams(params);
            assertEquals(params.address(), kernelParams.get(ValueLayout.ADDRESS, 0).address());
            MemorySegment copy = MemorySegment.ofArray(new long[(int) (params.byteSize() + 7) / 8]);  // 8-byte aligned
            MemorySegment.copy(params, 0, copy, 0, params.byteSize());
            launches.add(new Launch(name, gridX, blockX, dynamicSharedBytes, copy));
        }

        @Override
        public long address(Memory memory) {
            return ((FakeMemory) memory).address();
        }

        @Override
        public Memory allocateScratch(long bytes) {
            assertTrue(bytes > 0, "scratch of " + bytes + " bytes");
            Memory m = new FakeMemory(nextAddress, bytes);
            nextAddress += (bytes + 255) / 256 * 256;
            liveScratch.add(m);
            scratchAllocations++;
            return m;
        }

        @Override
        public void freeScratch(Memory memory) {
            assertTrue(liveScratch.remove(memory), "freed scratch that is not live: " + memory);
        }

        @Override
        public int computeCapability() {
            return computeCapability;
        }

        @Override
        public int multiprocessorCount() {
            return 132;
        }

        @Override
        public int maxSharedBytesPerBlock() {
            return maxShared;
        }

        @Override
        public boolean loadsSm90a() {
            probes++;
            LaunchParams.struct(ArchProbe.PARAMS); // as the device's arch probe does: the GEMM must fill its struct after
            return sm90a;
        }
    }

    private static Memory mem(long address) {
        return new FakeMemory(address, 1L << 30);
    }

    /** Every field of the packed GemmParams against the call it came from. */
    private static void assertGemmParams(Kernels.Gemm call, Launch l) {
        StructLayout s = CudaGemm.PARAMS;
        assertEquals(88, l.params().byteSize(), "sizeof(GemmParams)");
        assertEquals(((FakeMemory) call.a()).address(), l.i64(s, "a"));
        assertEquals(((FakeMemory) call.b()).address(), l.i64(s, "b"));
        assertEquals(((FakeMemory) call.c()).address(), l.i64(s, "c"));
        assertEquals(call.batch(), l.i64(s, "batch"));
        assertEquals(call.m(), l.i64(s, "m"));
        assertEquals(call.n(), l.i64(s, "n"));
        assertEquals(call.k(), l.i64(s, "k"));
        assertEquals(call.bBatched() ? call.k() * call.n() : 0, l.i64(s, "strideB"));
        assertEquals(call.alpha(), l.f32(s, "alpha"));
        assertEquals(call.beta(), l.f32(s, "beta"));
        assertEquals(call.transA() ? 1 : 0, l.i32(s, "transA"));
        assertEquals(call.transB() ? 1 : 0, l.i32(s, "transB"));
        assertEquals(call.cType() == DType.F32 ? 1 : 0, l.i32(s, "cF32"));
    }

    @Test
    void gemmPacksShapesAndPicksTheTensorCoreKernel() {
        Recorder r = new Recorder();
        Kernels.Gemm call = new Kernels.Gemm(DType.BF16, DType.F32, 3, 300, 129, 70, 2f, mem(0x1000), true,
                mem(0x2000), false, false, 0f, mem(0x3000));
        new CudaKernels(r).gemm(call);
        assertEquals(1, r.launches.size());
        Launch l = r.launches.get(0);
        assertEquals("gemm_bf16_mma", l.kernel());
        assertEquals(3L * 3 * 2, l.grid());  // batch x ceil(300/128) x ceil(129/128)
        assertEquals(256, l.block());
        assertEquals(65536, l.shared());
        assertGemmParams(call, l);
        assertEquals(0, l.i64(CudaGemm.PARAMS, "strideB"));
        assertEquals(1, l.i32(CudaGemm.PARAMS, "cF32"));
    }

    /** A kernel set on {@code r} with the GEMM option set (as -Dpanamax.cuda.gemm would set it; null: the property). */
    private static CudaKernels withGemmOption(String value, Recorder r) {
        CudaKernels k = new CudaKernels(r);
        k.gemmFamily().overrideOption(value);
        return k;
    }

    private static Kernels.Gemm gemm16(DType ab, DType c) {
        return new Kernels.Gemm(ab, c, 3, 300, 513, 70, 2f, mem(0x1000), true, mem(0x2000), false, true, 0.5f,
                mem(0x3000));
    }

    @Test
    void gemmWgmmaOnlyWhenAskedForOnAnSm90aCubin() {
        Recorder asked = new Recorder();
        CudaKernels k = withGemmOption("wgmma", asked);
        k.gemm(gemm16(DType.BF16, DType.F32));
        k.gemm(gemm16(DType.F16, DType.F16));
        k.gemm(new Kernels.Gemm(DType.F32, DType.F32, 1, 64, 64, 64, 1f, mem(1), false, mem(2), false, false, 0f,
                mem(3)));
        assertEquals("gemm_bf16_wgmma", asked.launches.get(0).kernel());
        assertEquals("gemm_f16_wgmma", asked.launches.get(1).kernel());
        assertEquals("gemm_f32_tiled", asked.launches.get(2).kernel());  // F32 never takes it
        assertEquals(2, asked.probes);
        // the same requests where one condition fails: the mma.sync kernel, unchanged
        for (int f = 0; f < 4; f++) {
            Recorder r = new Recorder();
            r.computeCapability = f == 1 ? 100 : 90;  // sm_90a cubins run on 9.0 only
            r.sm90a = f != 2;                         // e.g. the driver JIT-compiled compute_90 PTX
            r.maxShared = f == 3 ? 100 * 1024 : 227 * 1024;
            withGemmOption(f == 0 ? "mma" : "wgmma", r).gemm(gemm16(DType.BF16, DType.BF16));
            Launch l = r.launches.get(0);
            assertEquals("gemm_bf16_mma", l.kernel(), "case " + f);
            assertEquals(65536, l.shared());
            assertEquals(3L * 3 * 5, l.grid());  // 128 x 128 tiles
            assertEquals(f == 0 || f == 1 || f == 3 ? 0 : 1, r.probes, "probe only when it can decide");
        }
        Recorder unset = new Recorder();  // the property as read at class load: unset in the test JVM
        withGemmOption(null, unset).gemm(gemm16(DType.F16, DType.F32));
        assertEquals("gemm_f16_mma", unset.launches.get(0).kernel());
        assertEquals(0, unset.probes);
    }

    @Test
    void theGemmOptionBelongsToOneKernelSet() {
        Recorder r = new Recorder();
        CudaKernels wgmma = withGemmOption("wgmma", r);
        CudaKernels other = new CudaKernels(r);
        assertEquals("wgmma", wgmma.gemmFamily().option());
        assertEquals("", other.gemmFamily().option(), "another device's kernel set keeps the property");
        other.gemm(gemm16(DType.BF16, DType.F32));
        wgmma.gemm(gemm16(DType.BF16, DType.F32));
        assertEquals("gemm_bf16_mma", r.launches.get(0).kernel());
        assertEquals("gemm_bf16_wgmma", r.launches.get(1).kernel());
        assertEquals("wgmma", wgmma.gemmFamily().overrideOption(null), "the previous override comes back");
        assertEquals("", wgmma.gemmFamily().option());
    }

    @Test
    void gemmWgmmaPacksTheSameStructWithItsOwnGeometry() {
        Recorder r = new Recorder();
        Kernels.Gemm call = gemm16(DType.BF16, DType.BF16);
        withGemmOption("wgmma", r).gemm(call);
        Launch l = r.launches.get(0);
        assertEquals("gemm_bf16_wgmma", l.kernel());
        assertEquals(3L * 3 * 3, l.grid());  // batch x ceil(300/128) x ceil(513/256)
        assertEquals(256, l.block());         // two warpgroups
        assertEquals(197632, l.shared());     // 4 stages of 48 KiB + 1 KiB of alignment
        assertGemmParams(call, l);
        assertEquals(70L * 513, l.i64(CudaGemm.PARAMS, "strideB"));
        assertEquals(0, l.i32(CudaGemm.PARAMS, "cF32"));
    }

    @Test
    void gemmOptionRejectsUnknownValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withGemmOption("wgmma2", new Recorder()).gemm(gemm16(DType.BF16, DType.F32)));
        assertTrue(e.getMessage().contains("panamax.cuda.gemm") && e.getMessage().contains("wgmma2"), e.getMessage());
    }

    @Test
    void theGridCapBelongsToOneKernelSet() {
        Recorder r = new Recorder();
        CudaKernels capped = new CudaKernels(r);
        assertEquals(CudaLaunchContext.MAX_GRID, capped.launches().capGrid(3));
        Kernels.Softmax call = new Kernels.Softmax(DType.F32, 1000, 100, mem(1), mem(2));
        capped.softmax(call);
        new CudaKernels(r).softmax(call);
        assertEquals(3, r.launches.get(0).grid());
        assertEquals(125, r.launches.get(1).grid(), "another kernel set is not capped");
        assertEquals(3, capped.launches().capGrid(CudaLaunchContext.MAX_GRID));
        assertThrows(IllegalArgumentException.class, () -> capped.launches().capGrid(0));
    }

    @Test
    void gemmF32UsesTheTiledKernelAndBatchedStrides() {
        Recorder r = new Recorder();
        new CudaKernels(r).gemm(new Kernels.Gemm(DType.F32, DType.F32, 2, 5, 7, 11, 1f, mem(1), false,
                mem(2), true, true, 0.5f, mem(3)));
        Launch l = r.launches.get(0);
        assertEquals("gemm_f32_tiled", l.kernel());
        assertEquals(0, l.shared());
        assertEquals(77, l.i64(CudaGemm.PARAMS, "strideB"));
        assertEquals(0.5f, l.f32(CudaGemm.PARAMS, "beta"));
    }

    @Test
    void softmaxVariantsAndGrids() {
        Recorder r = new Recorder();
        CudaKernels k = new CudaKernels(r);
        k.softmax(new Kernels.Softmax(DType.F16, 1001, 1000, mem(1), mem(1)));
        k.softmax(new Kernels.Softmax(DType.F32, 32768, 4096, mem(1), mem(2)));
        k.softmax(new Kernels.Softmax(DType.BF16, 3, 65536, mem(1), mem(2)));
        assertEquals("softmax_row_warp_f16", r.launches.get(0).kernel());
        assertEquals(126, r.launches.get(0).grid());  // 8 rows per block
        assertEquals(256, r.launches.get(0).block());
        assertEquals("softmax_row_block_f32", r.launches.get(1).kernel());
        assertEquals(32768, r.launches.get(1).grid());
        assertEquals(128, r.launches.get(1).block());
        assertEquals("softmax_row_online_bf16", r.launches.get(2).kernel());
        assertEquals(1024, r.launches.get(2).block());
        assertEquals(65536, r.launches.get(2).i64(CudaSoftmax.PARAMS, "cols"));
    }

    @Test
    void decodeAttentionSplitsKeysAndCombines() {
        Recorder r = new Recorder();
        // decode: B=8, Hq=32, Hkv=8, Sq=1, Skv=32768, D=128
        new CudaKernels(r).attention(new Kernels.Attention(DType.BF16, 8, 32, 8, 1, 32768, 128, true, 0.088f,
                mem(1), mem(2), mem(3), mem(4)));
        assertEquals(2, r.launches.size());
        Launch main = r.launches.get(0), combine = r.launches.get(1);
        StructLayout s = CudaAttention.PARAMS;
        assertEquals("attention_bf16_mma_d128", main.kernel());
        assertEquals(81920, main.shared());
        int splits = main.i32(s, "splits");
        assertEquals(4, splits);  // of 512 tiles of 64 keys
        assertEquals(0, main.i64(s, "kvLengths"));
        assertEquals(64L * splits, main.grid());  // 64 (b, kv head) row blocks
        assertEquals("attention_combine_bf16", combine.kernel());
        assertEquals(256 / 4, combine.grid());  // 256 output rows, a warp each
        long partialO = main.i64(s, "partialO");
        long rows = 8 * 32;
        assertTrue(partialO != 0);
        assertTrue(main.i64(s, "partialLse") >= partialO + splits * rows * 128 * 4);
        assertEquals((float) (0.088 * 1.4426950408889634), main.f32(s, "scaleLog2"));
        assertEquals(1, r.scratchAllocations);
        assertTrue(r.liveScratch.isEmpty(), "scratch not freed");
    }

    @Test
    void kvLengthsTravelAsAPointerAndLeaveTheGridAsItIs() {
        Recorder r = new Recorder();
        new CudaKernels(r).attention(new Kernels.Attention(DType.BF16, 8, 32, 8, 1, 32768, 128, true, 0.088f,
                mem(1), mem(2), mem(3), mem(4), mem(5)));
        assertEquals(2, r.launches.size());
        Launch main = r.launches.get(0), combine = r.launches.get(1);
        StructLayout s = CudaAttention.PARAMS;
        assertEquals(112, main.params().byteSize(), "sizeof(AttentionParams)");
        assertEquals(5, main.i64(s, "kvLengths"));
        assertEquals(5, combine.i64(s, "kvLengths"));
        assertEquals(4, main.i32(s, "splits"));  // sized on Skv, as without lengths
        assertEquals(64L * 4, main.grid());
        assertEquals(32768, main.i64(s, "skv"));
    }

    @Test
    void prefillAttentionRunsOneKernelWithoutScratch() {
        Recorder r = new Recorder();
        new CudaKernels(r).attention(new Kernels.Attention(DType.F32, 4, 32, 32, 4096, 4096, 80, false, 0.1f,
                mem(1), mem(2), mem(3), mem(4)));
        assertEquals(1, r.launches.size());
        Launch l = r.launches.get(0);
        assertEquals("attention_f32_tiled_d128", l.kernel());
        assertEquals(1, l.i32(CudaAttention.PARAMS, "splits"));
        assertEquals(4L * 32 * 4096 / 32, l.grid());
        assertEquals(0, r.scratchAllocations);
    }

    @Test
    void attentionWithoutKeysStillLaunchesToWriteZeros() {
        Recorder r = new Recorder();
        new CudaKernels(r).attention(new Kernels.Attention(DType.F16, 1, 2, 1, 3, 0, 64, false, 0.1f,
                mem(1), mem(2), mem(3), mem(4)));
        assertEquals(1, r.launches.size());
        assertEquals(0, r.launches.get(0).i64(CudaAttention.PARAMS, "skv"));
    }

    @Test
    void gatingPicksByExperts() {
        Recorder r = new Recorder();
        CudaKernels k = new CudaKernels(r);
        k.topKGating(new Kernels.Gating(DType.BF16, 16384, 256, 8, true, mem(1), mem(2), mem(3)));
        k.topKGating(new Kernels.Gating(DType.F32, 5, 4096, 64, false, mem(1), mem(2), mem(3)));
        assertEquals("topk_gating_warp_e256_bf16", r.launches.get(0).kernel());
        assertEquals(16384 / 4, r.launches.get(0).grid());
        assertEquals(1, r.launches.get(0).i32(CudaTopK.GATING_PARAMS, "renormalize"));
        assertEquals("topk_gating_block_e4096_f32", r.launches.get(1).kernel());
        assertEquals(5, r.launches.get(1).grid());
    }

    @Test
    void topKShortRowsTakeOnePass() {
        Recorder r = new Recorder();
        new CudaKernels(r).topK(new Kernels.TopK(DType.F32, 1000, 100, 7, mem(1), mem(2), mem(3)));
        assertEquals(1, r.launches.size());
        Launch l = r.launches.get(0);
        assertEquals("topk_chunk_f32", l.kernel());
        assertEquals(128, l.i32(CudaTopK.TOPK_PARAMS, "chunk"));
        assertEquals(64, l.block());
        assertEquals(128 * 8, l.shared());
        assertEquals(0, l.i64(CudaTopK.TOPK_PARAMS, "keysOut"));
        assertEquals(0, r.scratchAllocations);
    }

    @Test
    void topKLongRowsShrinkThroughMergePasses() {
        Recorder r = new Recorder();
        new CudaKernels(r).topK(new Kernels.TopK(DType.F16, 3, 1_000_000, 1024, mem(1), mem(2), mem(3)));
        StructLayout s = CudaTopK.TOPK_PARAMS;
        assertTrue(r.launches.size() >= 3, "passes: " + r.launches.size());
        assertEquals("topk_chunk_f16", r.launches.get(0).kernel());
        long len = 1_000_000;
        for (int i = 0; i < r.launches.size(); i++) {
            Launch l = r.launches.get(i);
            assertEquals(len, l.i64(s, "len"));
            int chunk = l.i32(s, "chunk");
            long chunks = Math.ceilDiv(len, chunk);
            assertEquals(3 * chunks, l.grid());
            boolean last = i == r.launches.size() - 1;
            assertEquals(last, chunks == 1);
            assertEquals(last, l.i64(s, "keysOut") == 0);
            if (i > 0) {
                assertEquals("topk_merge_f16", l.kernel());
                assertEquals(r.launches.get(i - 1).i64(s, "keysOut"), l.i64(s, "keysIn"));
            }
            assertTrue(chunks == 1 || chunk >= 2 * 1024);
            len = chunks * 1024;
        }
        assertTrue(r.liveScratch.isEmpty(), "scratch not freed");
    }

    @Test
    void topKFreesScratchWhenALaunchFails() {
        for (int fail = 0; fail < 3; fail++) {
            Recorder r = new Recorder();
            r.failAtLaunch = fail;
            assertThrows(IllegalStateException.class, () -> new CudaKernels(r).topK(
                    new Kernels.TopK(DType.F32, 2, 5_000_000, 1000, mem(1), mem(2), mem(3))));
            assertTrue(r.liveScratch.isEmpty(), "scratch leaked when launch " + fail + " failed");
        }
    }

    @Test
    void attentionFreesScratchWhenALaunchFails() {
        for (int fail = 0; fail < 2; fail++) {
            Recorder r = new Recorder();
            r.failAtLaunch = fail;
            assertThrows(IllegalStateException.class, () -> new CudaKernels(r).attention(new Kernels.Attention(
                    DType.F16, 1, 8, 8, 1, 100_000, 64, false, 0.1f, mem(1), mem(2), mem(3), mem(4))));
            assertEquals(1, r.scratchAllocations);
            assertTrue(r.liveScratch.isEmpty(), "scratch leaked when launch " + fail + " failed");
        }
    }

    @Test
    void convertCountsElementsOrBytes() {
        Recorder r = new Recorder();
        CudaKernels k = new CudaKernels(r);
        k.convert(mem(1), DType.F32, mem(2), DType.BF16, 1000);
        k.convert(mem(1), DType.F16, mem(2), DType.F16, 1000);
        assertEquals("convert_f32_bf16", r.launches.get(0).kernel());
        assertEquals(1000, r.launches.get(0).i64(CudaConvert.PARAMS, "count"));
        assertEquals("convert_copy", r.launches.get(1).kernel());
        assertEquals(2000, r.launches.get(1).i64(CudaConvert.PARAMS, "count"));
    }
}
