package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.bindings.cuda.CudaLibrary;
import dev.panamax.internal.Devices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the NVIDIA driver is absent (CI without a GPU, this project's build machines), the CUDA
 * backend says so, everywhere a user can ask, and never leaves a half-working device behind.
 * On a machine with the driver these tests are skipped: CudaDeviceTest covers it.
 */
class CudaUnavailableTest {
    @BeforeEach
    void onlyWithoutTheDriver() {
        assumeTrue(CudaLibrary.loadFailure() != null, "the CUDA driver library is present here: " + CudaLibrary.name());
    }

    @Test
    void openSaysTheDriverIsMissing() {
        for (String spec : new String[] {"cuda", "cuda:0", "cuda:3"}) {
            DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Device.open(spec));
            assertTrue(e.getMessage().contains("libcuda.so.1 not found: no NVIDIA driver on this machine"),
                    spec + ": " + e.getMessage());
        }
    }

    @Test
    void availableListsNoCuda() {
        assertFalse(Device.available().stream().anyMatch(s -> s.startsWith("cuda")), Device.available().toString());
        assertTrue(Device.available().contains("cpu"));
    }

    @Test
    void unavailabilityCauseNamesTheLibrary() {
        String cause = Devices.unavailabilityCause(Backend.CUDA);
        assertTrue(cause != null && cause.contains("libcuda.so.1"), String.valueOf(cause));
    }

    @Test
    void bestIsNotCuda() {
        assumeTrue(System.getProperty("panamax.device") == null && System.getenv("PANAMAX_DEVICE") == null);
        try (Device d = Device.best()) {
            assertNotEquals(Backend.CUDA, d.backend());
        }
    }

    @Test
    void theProviderReportsTheSameReasonEveryTime() {
        CudaProvider provider = new CudaProvider();
        String first = assertThrows(DeviceUnavailableException.class, provider::deviceCount).getMessage();
        String second = assertThrows(DeviceUnavailableException.class, () -> provider.open(0)).getMessage();
        assertEquals(first, second);
        assertEquals(CudaLibrary.loadFailure(), first);
    }
}
