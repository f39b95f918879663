package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.internal.DeviceHandle;

/**
 * The CUDA device's launch path with no op around it, for benchmarks and tools on the class path
 * (the package is not exported: this is not API). Launches {@code empty_kernel} from
 * kernels/cuda/launch_probe.cu, which has no parameters and does nothing.
 */
public final class CudaProbe {
    private final CudaDevice device;

    private CudaProbe(CudaDevice device) {
        this.device = device;
    }

    /** The probe of an open CUDA device. */
    public static CudaProbe of(Device device) {
        if (device.backend() != Backend.CUDA || !(device instanceof DeviceHandle handle)) {
            throw new IllegalArgumentException("CudaProbe.of: " + device.spec() + " is not a CUDA device");
        }
        return new CudaProbe((CudaDevice) handle.backendDevice());
    }

    /** Queues one empty kernel, grid 1, block 1, on the device's stream, as every kernel is queued. */
    public void launchEmpty() {
        device.launch("empty_kernel", 1, 1, 1, 1, 1, 1, 0, null);
    }

    /** Waits for the device's stream. */
    public void synchronize() {
        device.synchronize();
    }

    /** The bytes of a packed fatbin ({@code "launch_probe.fatbin"}), for loading it through another binding. */
    public static byte[] fatbin(String name) {
        if (KernelIndex.packed().notBuilt() != null) {
            throw new IllegalStateException("no CUDA kernels in this jar: " + KernelIndex.packed().notBuilt());
        }
        return KernelIndex.read(name);
    }
}
