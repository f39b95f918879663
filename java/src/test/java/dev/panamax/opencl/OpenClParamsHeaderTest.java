package dev.panamax.opencl;

import dev.panamax.DeviceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PX_OFFSET / PX_SIZE / PX_ALIGN lines of params.h are live checks where the OpenCL C
 * compiler is clang-based (PoCL, in CI): params.h with one of its lines made wrong fails to build,
 * the build log naming that line's check, while params.h as packed builds. KernelStructTest pins
 * the same numbers to the Java layouts, so together a struct cannot drift on either side. On a
 * compiler that does not define __clang__ the lines check nothing and this is skipped with that
 * reason (never on PoCL, whose compiler is clang).
 */
class OpenClParamsHeaderTest extends OpenClDeviceTest {
    /** A kernel, so that the probe is a program like the packed ones. */
    private static final String PROBE_KERNEL = "\n__kernel void probe(__global float *x) { x[get_global_id(0)] = 0.0f; }\n";

    @BeforeEach
    void clangBased() {
        OpenClDevice cl = backend();
        boolean clang;
        try (ClProgram probe = cl.programs().build("clang probe",
                "#if !defined(__clang__)\n#error not clang\n#endif" + PROBE_KERNEL, "")) {
            clang = probe != null;
        } catch (DeviceException e) {
            clang = false;
        }
        assertFalse(!clang && cl.facts().platform().contains("Portable Computing Language"),
                "PoCL's OpenCL C compiler is clang, yet __clang__ is not defined");
        assumeTrue(clang, cl + ": its OpenCL C compiler does not define __clang__, so the PX lines of params.h"
                + " check nothing there (KernelStructTest still pins them to the Java layouts)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PX_OFFSET(GemmParams, alpha, 56); | PX_OFFSET(GemmParams, alpha, 60); | px_offset_GemmParams_alpha",
        "PX_OFFSET(SoftmaxParams, threads_per_row, 16); | PX_OFFSET(SoftmaxParams, threads_per_row, 20); | px_offset_SoftmaxParams_threads_per_row",
        "PX_SIZE(AttentionParams, 64); | PX_SIZE(AttentionParams, 68); | px_size_AttentionParams",
        "PX_ALIGN(TopKParams, 8); | PX_ALIGN(TopKParams, 4); | px_align_TopKParams",
    })
    void aWrongLineFailsTheBuildNamingIt(String right, String wrong, String check) {
        OpenClDevice cl = backend();
        String header = ClSources.load("params.h");
        assertTrue(header.contains(right), "params.h has the line " + right);
        try (ClProgram asPacked = cl.programs().build("params.h", header + PROBE_KERNEL, "")) {
            assertTrue(asPacked != null, "params.h as packed builds");
        }
        long programs = cl.live().programs.get();
        String label = "params.h with " + wrong;
        DeviceException e = assertThrows(DeviceException.class,
                () -> cl.programs().build(label, header.replace(right, wrong) + PROBE_KERNEL, "").close());
        assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName(), e.getMessage());
        assertTrue(e.getMessage().contains(check), "the build log names " + check + ": " + e.getMessage());
        assertEquals(programs, cl.live().programs.get(), "the failed program is released");
    }
}
