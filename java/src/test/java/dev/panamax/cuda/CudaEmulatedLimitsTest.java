package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.testing.LimitChecks;
import org.junit.jupiter.api.Test;

/**
 * {@link LimitChecks} on cuda:0 of the CUDA emulator, whose driver double has 1 GiB of device
 * memory: 100,000 dropped results (1.5 GiB) must go through it without an allocation failing (the GC
 * mark and the collect-and-retry of a failed allocation free what was dropped), and keeping
 * 64 MiB tensors ends in {@code DeviceOutOfMemoryException}, after which the device works.
 */
class CudaEmulatedLimitsTest extends EmulatedCudaClass {

    private Device device() {
        return underTest.get(); // skips with the reason where the emulator is absent
    }

    @Test
    void bytesPast2To63AreAnIllegalArgument() {
        LimitChecks.bytesPast2To63AreAnIllegalArgument(device());
    }

    @Test
    void sizeNoAllocatorGivesIsOutOfMemory() {
        LimitChecks.sizeNoAllocatorGivesIsOutOfMemory(device());
    }

    @Test
    void hostSegmentOfAnotherThreadOrClosedArena() throws InterruptedException {
        LimitChecks.hostSegmentOfAnotherThreadOrClosedArena(device());
    }

    @Test
    void topKRowsPastI32IndicesAreRefused() {
        LimitChecks.topKRowsPastI32IndicesAreRefused(device());
    }

    @Test
    void gemmOutputDtypeMessageReadsWell() {
        LimitChecks.gemmOutputDtypeMessageReadsWell(device());
    }

    @Test
    void droppedResultsGoThroughOneGiB() {
        // 100,000 results, 1.5 GiB through a device of 1 GiB: at least one allocation finds it full
        // and must collect
        LimitChecks.droppedResultsAreCollected(device(), Backend.CUDA, 100_000, 1024, (1L << 30) + 1);
    }

    @Test
    void exhaustThenRecover() {
        LimitChecks.exhaustThenRecover(device(), 64L << 20, 64);
    }
}
