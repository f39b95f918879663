package dev.panamax;

import dev.panamax.testing.LimitChecks;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LimitChecks} on cpu and opencl:0 (the CUDA emulator runs them in CudaEmulatedLimitsTest). */
class LimitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void bytesPast2To63AreAnIllegalArgument(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.bytesPast2To63AreAnIllegalArgument(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void sizeNoAllocatorGivesIsOutOfMemory(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.sizeNoAllocatorGivesIsOutOfMemory(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void hostSegmentOfAnotherThreadOrClosedArena(String spec) throws InterruptedException {
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.hostSegmentOfAnotherThreadOrClosedArena(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void topKRowsPastI32IndicesAreRefused(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.topKRowsPastI32IndicesAreRefused(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void gemmOutputDtypeMessageReadsWell(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.gemmOutputDtypeMessageReadsWell(device);
        }
    }
}
