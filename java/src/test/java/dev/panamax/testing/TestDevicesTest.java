package dev.panamax.testing;

import dev.panamax.Device;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * panamax.require: a required backend that is missing fails the suite (AssertionError) instead of
 * skipping it; one that is not required is skipped through an assumption.
 */
class TestDevicesTest {

    private static void withRequire(String value, Runnable body) {
        SystemProperties.with("panamax.require", value, body);
    }

    @Test
    void requiredAndMissingFails() {
        withRequire("cuda", () -> {
            AssertionError e = assertThrows(AssertionError.class, () -> TestDevices.openOrSkip("cuda:99"));
            assertTrue(e.getMessage().contains("cuda:99"), e.getMessage());
        });
        withRequire(" opencl , cuda ", () -> assertThrows(AssertionError.class, () -> TestDevices.openOrSkip("opencl:99")));
    }

    @Test
    void notRequiredAndMissingSkips() {
        withRequire("opencl", () -> assertThrows(TestAbortedException.class, () -> TestDevices.openOrSkip("cuda:99")));
    }

    @Test
    void presentOpens() {
        withRequire("cuda", () -> {
            try (Device d = TestDevices.openOrSkip("cpu")) {
                assertEquals("cpu", d.spec());
            }
        });
    }
}
