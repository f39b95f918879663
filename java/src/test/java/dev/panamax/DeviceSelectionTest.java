package dev.panamax;

import dev.panamax.testing.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Device.open, Device.available and Device.best (with the panamax.device property set and cleared). */
class DeviceSelectionTest {

    @Test
    void availableListsCpuAndEverySpecOpens() {
        List<String> specs = Device.available();
        assertTrue(specs.contains("cpu"), "available() must contain cpu: " + specs);
        for (String spec : specs) {
            try (Device d = Device.open(spec)) {
                assertEquals(spec, d.spec());
                assertTrue(!d.name().isBlank(), spec + " has no name");
            }
        }
    }

    @Test
    void openCpu() {
        try (Device d = Device.open("cpu")) {
            assertEquals("cpu", d.spec());
            assertEquals(Backend.CPU, d.backend());
            assertTrue(d.memoryBytes() > 0);
            assertTrue(d.info() != null);
        }
    }

    /** An index this machine lacks: unavailable, with a message that says why (not just the spec). */
    @Test
    void missingDevicesAreUnavailableAndSayWhy() {
        for (String spec : new String[] {"opencl:99", "cuda:99"}) {
            DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Device.open(spec));
            String message = e.getMessage();
            assertTrue(message != null && message.length() > spec.length() + 10, spec + ": the message must say why, got: " + message);
            assertTrue(e instanceof DeviceException);
        }
    }

    private static void withDeviceProperty(String value, Runnable body) {
        SystemProperties.with("panamax.device", value, body);
    }

    @Test
    void bestHonorsThePanamaxDeviceProperty() {
        withDeviceProperty("cpu", () -> {
            Device d = Device.best();
            assertEquals("cpu", d.spec());
            assertEquals(Backend.CPU, d.backend());
        });
        withDeviceProperty("no-such-device", () -> assertThrows(IllegalArgumentException.class, Device::best));
        withDeviceProperty("cuda:99", () -> assertThrows(DeviceUnavailableException.class, Device::best));
    }

    @Test
    void bestWithoutThePropertyPicksCudaThenAnOpenClGpuThenTheCpu() {
        String env = System.getenv("PANAMAX_DEVICE");
        assumeTrue(env == null || env.isBlank(), "PANAMAX_DEVICE is set in the environment");
        withDeviceProperty(null, () -> {
            Device d = Device.best();
            try {
                assertTrue(d.spec().equals("cpu") || Device.available().contains(d.spec()),
                        d.spec() + " is not in " + Device.available());
                assertEquals(expectedBest(), d.spec());
            } finally {
                d.close();
            }
        });
    }

    /**
     * cuda:0 when there is one, else the first OpenCL device whose info says it is a GPU or an
     * accelerator, else cpu: an OpenCL device of CPU type (PoCL, as in CI) is never the best.
     */
    private static String expectedBest() {
        if (Device.available().contains("cuda:0")) {
            return "cuda:0";
        }
        for (String spec : Device.available()) {
            if (spec.startsWith("opencl:")) {
                try (Device d = Device.open(spec)) {
                    String type = d.info().get("type");
                    assertTrue(type != null, spec + " info has no type: " + d.info());
                    if (type.equals("GPU") || type.equals("accelerator")) {
                        return spec;
                    }
                }
            }
        }
        return "cpu";
    }

    @Test
    void unavailableSaysWhyForEachBackendThatIsMissing() {
        Map<String, String> why = Device.unavailable();
        assertThrows(UnsupportedOperationException.class, () -> why.put("x", "y"));
        assertTrue(List.of("opencl", "cuda").containsAll(why.keySet()), "keys: " + why.keySet());
        for (String backend : List.of("opencl", "cuda")) {
            boolean has = Device.available().stream().anyMatch(s -> s.startsWith(backend + ":"));
            assertEquals(!has, why.containsKey(backend), backend + ": available " + Device.available() + ", unavailable " + why);
            if (!has) {
                assertTrue(why.get(backend).length() > 10, backend + ": the reason must say why: " + why.get(backend));
                assertThrows(DeviceUnavailableException.class, () -> Device.open(backend));
            }
        }
    }
}
