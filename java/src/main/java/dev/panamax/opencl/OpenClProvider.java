package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.BackendProvider;

/** The OpenCL backend: every device of every platform the ICD loader lists, GPUs first. */
public final class OpenClProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.OPENCL;
    }

    @Override
    public String prefix() {
        return "opencl";
    }

    @Override
    public int deviceCount() {
        return ClDiscovery.devices().size();
    }

    @Override
    public boolean beatsCpuBackend(int index) {
        return ClDiscovery.devices().get(index).beatsCpuBackend();
    }

    @Override
    public BackendDevice open(int index) {
        return OpenClDevice.open(ClDiscovery.devices().get(index), "opencl:" + index);
    }
}
