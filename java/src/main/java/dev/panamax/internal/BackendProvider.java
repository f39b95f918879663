package dev.panamax.internal;

import dev.panamax.Backend;

/**
 * Discovers and opens the devices of one backend. {@link Devices} holds one provider per
 * {@link Backend} and caches what {@link #open} returns, one instance per index.
 */
public interface BackendProvider {
    Backend backend();

    /** The spec prefix: {@code "cpu"}, {@code "opencl"}, {@code "cuda"}. */
    String prefix();

    /**
     * How many devices this machine has for the backend.
     *
     * @throws dev.panamax.DeviceUnavailableException when the backend cannot be used at all
     *     (no driver library, no kernels in the jar, ...); the message says why
     */
    int deviceCount();

    /**
     * Whether {@code Device.best()} may choose device {@code index} (in {@code [0, deviceCount())})
     * over the CPU backend: true for GPUs; false for an OpenCL device of CPU type, which runs on
     * the same cores as the CPU backend and far slower.
     */
    default boolean beatsCpuBackend(int index) {
        return true;
    }

    /**
     * Opens device {@code index}, which is in {@code [0, deviceCount())}.
     *
     * @throws dev.panamax.DeviceUnavailableException when it cannot be opened; the message says why
     */
    BackendDevice open(int index);
}
