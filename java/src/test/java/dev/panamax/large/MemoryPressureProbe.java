package dev.panamax.large;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.Ops;
import dev.panamax.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link MemoryPressureTest}, run under an address-space limit ({@code ulimit -v}).
 * {@code drop N COLS}: N softmax results of [4, COLS] F32 dropped without close (the Cleaner and the GC retry
 * must keep up). {@code exhaust}: 64 MiB tensors kept until the device says
 * {@link DeviceOutOfMemoryException}, then all closed, then the device must still work. Prints
 * the peak resident size (VmHWM) and "ok" at the end; any crash of the JVM loses the "ok".
 */
public final class MemoryPressureProbe {
    private MemoryPressureProbe() {
    }

    public static void main(String[] args) throws IOException {
        String spec = args[0];
        try (Device device = Device.open(spec)) {
            if (args[1].equals("drop")) {
                int n = Integer.parseInt(args[2]);
                int cols = Integer.parseInt(args[3]);
                try (Tensor x = device.zeros(DType.F32, 4, cols)) {
                    for (int i = 0; i < n; i++) {
                        Ops.softmax(x); // dropped: 16 * cols bytes the Cleaner must free
                        if (i % 10_000 == 0) {
                            System.out.println("dropped " + i);
                        }
                    }
                }
            } else {
                List<Tensor> kept = new ArrayList<>();
                String failure = null;
                for (int i = 0; i < 4096 && failure == null; i++) {
                    try {
                        kept.add(device.zeros(DType.F32, 16L << 20));
                    } catch (DeviceOutOfMemoryException e) {
                        failure = e.getMessage();
                    }
                }
                System.out.println("kept " + kept.size() + " tensors of 64 MiB, then: " + failure);
                kept.forEach(Tensor::close);
                if (failure == null) {
                    throw new AssertionError("no DeviceOutOfMemoryException after " + kept.size() + " tensors");
                }
            }
            try (Tensor x = device.tensor(new float[] {1, 2, 3, 4}, 2, 2); Tensor p = Ops.softmax(x)) {
                float[] v = p.toFloatArray();
                if (Math.abs(v[0] + v[1] - 1) > 1e-6 || Math.abs(v[2] + v[3] - 1) > 1e-6) {
                    throw new AssertionError("softmax after the pressure: " + java.util.Arrays.toString(v));
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                System.out.println("VmHWM_KB=" + line.substring("VmHWM:".length()).trim().split("\\s+")[0]);
            }
        }
        System.out.println("ok");
    }
}
