package dev.panamax.testing;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.Locale;

/**
 * Opens the device a test suite runs on. An absent backend skips the suite through a JUnit
 * assumption, with the reason, unless {@code panamax.require} (or {@code PANAMAX_REQUIRE}) names
 * it: then the suite fails, so that a GPU runner that lost its GPU goes red, not green.
 */
public final class TestDevices {
    private TestDevices() {
    }

    /** True when {@code panamax.require} names {@code backend}. */
    public static boolean required(Backend backend) {
        String v = System.getProperty("panamax.require");
        if (v == null || v.isBlank()) {
            v = System.getenv("PANAMAX_REQUIRE");
        }
        if (v == null || v.isBlank()) {
            return false;
        }
        String name = backend.name().toLowerCase(Locale.ROOT);
        return Arrays.stream(v.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).anyMatch(name::equals);
    }

    /** Opens {@code spec}, or skips the caller with the reason, or fails if the backend is required. */
    public static Device openOrSkip(String spec) {
        try {
            return Device.open(spec);
        } catch (DeviceUnavailableException e) {
            Backend backend = spec.startsWith("cuda") ? Backend.CUDA : spec.startsWith("opencl") ? Backend.OPENCL : Backend.CPU;
            if (required(backend)) {
                throw new AssertionError("panamax.require names " + backend + " but " + spec + " is unavailable: "
                        + e.getMessage(), e);
            }
            Assumptions.abort(spec + " unavailable, skipped: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
