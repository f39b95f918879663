package dev.panamax.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the arch probe's readings name the code the driver loaded. */
class ArchProbeTest {
    @Test
    void aCubinRunsAtItsOwnBinaryVersion() {
        assertEquals("sm_90a cubin", ArchProbe.describe(900, true, 90, 90));
        assertEquals("sm_90 cubin", ArchProbe.describe(900, false, 90, 90));
        assertEquals("sm_86 cubin", ArchProbe.describe(860, false, 86, 86));
        // sm_86 cubin on an sm_87 device: binary compatible within a major version
        assertEquals("sm_86 cubin", ArchProbe.describe(860, false, 86, 87));
    }

    @Test
    void ptxIsJitCompiledForTheDevice() {
        assertEquals("compute_90 PTX, JIT-compiled by the driver for sm_100", ArchProbe.describe(900, false, 100, 100));
        assertEquals("compute_90 PTX, JIT-compiled by the driver for sm_120", ArchProbe.describe(900, false, 0, 120));
    }

    @Test
    void nothingWrittenIsUnknown() {
        assertEquals("unknown (the arch probe wrote nothing)", ArchProbe.describe(0, false, 90, 90));
    }
}
