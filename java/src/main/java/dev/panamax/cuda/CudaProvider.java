package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.DeviceException;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.BackendProvider;

/**
 * The CUDA backend: NVIDIA GPUs through the driver API ({@code libcuda.so.1}), running the
 * kernels packed in the jar as fatbins. Needs the driver only, no toolkit, at run time.
 */
public final class CudaProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public String prefix() {
        return "cuda";
    }

    @Override
    public int deviceCount() {
        return CudaDriver.deviceCount();
    }

    @Override
    public BackendDevice open(int index) {
        Fatbin targets = CudaDriver.packedTargets(); // throws, saying why, when CUDA cannot be used at all
        try {
            return new CudaDevice(index, targets);
        } catch (DeviceUnavailableException e) {
            throw e;
        } catch (DeviceException e) {
            DeviceUnavailableException u = new DeviceUnavailableException(
                    "cuda:" + index + " could not be opened: " + e.getMessage(), e.errorName(), e.errorCode());
            u.initCause(e);
            throw u;
        }
    }
}
