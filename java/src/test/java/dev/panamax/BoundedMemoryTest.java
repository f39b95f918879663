package dev.panamax;

import dev.panamax.testing.LimitChecks;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Results dropped without {@code close()} do not pile up: the live bytes of the backend stay
 * within a few GiB while many times that is dropped (before, nothing ran the GC until an
 * allocation failed, and 12,000 dropped results held 12 GB on opencl:0). The limit checked is
 * the collection mark's rule: about twice what is held, plus {@code GC_STEP} (1 GiB), with room
 * for the Cleaner's lag. CudaEmulatedLimitsTest does the same on the CUDA emulator.
 */
class BoundedMemoryTest {

    @ParameterizedTest(name = "{0}: {1} dropped results of [4, {2}] F32")
    @CsvSource({"cpu, 16000, 65536", "opencl:0, 6000, 65536"})
    void droppedResultsAreCollected(String spec, int count, int cols) {
        Backend backend = spec.startsWith("cpu") ? Backend.CPU : Backend.OPENCL;
        try (Device device = TestDevices.openOrSkip(spec)) {
            LimitChecks.droppedResultsAreCollected(device, backend, count, cols, 3L << 30);
        }
    }
}
