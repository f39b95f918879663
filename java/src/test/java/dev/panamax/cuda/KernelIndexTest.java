package dev.panamax.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index native/build-cuda.sh writes: which fatbin holds which kernel, or why none was built. */
class KernelIndexTest {
    @Test
    void mapsKernelsToTheirFatbin() {
        KernelIndex index = KernelIndex.parse("""
                # Panamax CUDA kernels
                # nvcc 13.0.88; targets sm_80 sm_86 sm_89 sm_90 sm_90a compute_90
                gemm.fatbin gemm_f32_tiled gemm_bf16_mma
                launch_probe.fatbin empty_kernel panamax_arch_probe
                softmax.fatbin
                """);
        assertNull(index.notBuilt());
        assertEquals(List.of("gemm.fatbin", "launch_probe.fatbin", "softmax.fatbin"), index.fatbins());
        assertEquals("gemm.fatbin", index.fatbinOf("gemm_bf16_mma"));
        assertEquals("launch_probe.fatbin", index.fatbinOf("empty_kernel"));
        assertNull(index.fatbinOf("softmax_row_warp"));
    }

    @Test
    void saysWhyNothingWasBuilt() {
        KernelIndex index = KernelIndex.parse("# Panamax CUDA kernels\n# not built: nvcc was not found when this jar was built\n");
        assertEquals("nvcc was not found when this jar was built", index.notBuilt());
        assertEquals(List.of(), index.fatbins());
        assertTrue(KernelIndex.parse("").notBuilt().contains("lists no fatbin"));
    }

    @Test
    void rejectsDuplicateKernelsAndMalformedLines() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> KernelIndex.parse("a.fatbin k1 k2\nb.fatbin k2\n"));
        assertTrue(dup.getMessage().contains("k2 is defined in both a.fatbin and b.fatbin"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelIndex.parse("gemm.cu gemm_f32_tiled\n"));
        assertThrows(IllegalArgumentException.class, () -> KernelIndex.parse("../x.fatbin k\n"));
    }
}
