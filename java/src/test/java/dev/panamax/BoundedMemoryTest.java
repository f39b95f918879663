package dev.panamax;

import dev.panamax.internal.Allocation;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results dropped without {@code close()} do not pile up: the live bytes of the backend stay
 * within a few GiB while many times that is dropped (before, nothing ran the GC until an
 * allocation failed, and 12,000 dropped results held 12 GB on opencl:0). The limit checked is
 * the collection mark's rule: about twice what is held, plus {@code GC_STEP} (1 GiB), with room
 * for the Cleaner's lag.
 */
class BoundedMemoryTest {

    @ParameterizedTest(name = "{0}: {1} dropped results of [4, {2}] F32")
    @CsvSource({"cpu, 16000, 65536", "opencl:0, 6000, 65536"})
    void droppedResultsAreCollected(String spec, int count, int cols) {
        Backend backend = spec.startsWith("cpu") ? Backend.CPU : Backend.OPENCL;
        long bound = 3L << 30;
        long peak = 0;
        try (Device device = TestDevices.openOrSkip(spec); Tensor x = device.zeros(DType.F32, 4, cols)) {
            for (int i = 0; i < count; i++) {
                Ops.softmax(x); // dropped
                peak = Math.max(peak, Allocation.liveBytes(backend));
            }
        }
        long dropped = (long) count * 16 * cols;
        System.out.printf("%s: dropped %d MiB, live peak %d MiB%n", spec, dropped >> 20, peak >> 20);
        assertTrue(peak < bound, spec + ": dropped results held " + (peak >> 20) + " MiB at the peak (" + (dropped >> 20)
                + " MiB dropped); the bound is " + (bound >> 20) + " MiB");
    }
}
