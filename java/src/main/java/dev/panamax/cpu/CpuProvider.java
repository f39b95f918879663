package dev.panamax.cpu;

import dev.panamax.Backend;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.BackendProvider;

/** The CPU backend: always one device, the host. */
public final class CpuProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    @Override
    public String prefix() {
        return "cpu";
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public BackendDevice open(int index) {
        return new CpuDevice();
    }
}
