package dev.panamax.cuda;

import dev.panamax.testing.DeviceUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The base of a CudaEmulated*Test class that is not a whole suite: cuda:0 on the emulator, open for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmulatedCudaClass {
    protected DeviceUnderTest underTest;

    @BeforeAll
    final void openEmulator() {
        underTest = EmulatedCuda.open();
    }

    @AfterAll
    final void closeEmulator() {
        underTest.close();
    }
}
