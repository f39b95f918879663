package dev.panamax.large;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child process of {@link AttentionMemoryTest}: one causal attention of q, k, v [1, 1, S, D]
 * on a device, a check of some output rows against the float64 reference, then the process's peak
 * resident memory (VmHWM) on stdout as {@code VmHWM_KB=N}. Arguments: spec S D seed.
 * Exit status 0 when the rows match, 2 when they do not.
 */
public final class AttentionMemoryProbe {
    private AttentionMemoryProbe() {
    }

    public static void main(String[] args) throws IOException {
        String spec = args[0];
        int s = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        Data data = new Data(Long.parseLong(args[3]));
        float[] q = data.normal(s * d, 1);
        float[] k = data.normal(s * d, 1);
        float[] v = data.normal(s * d, 1);
        System.out.println("before: VmRSS_KB=" + status("VmRSS") + " VmHWM_KB=" + status("VmHWM"));
        float[] out;
        long started = System.nanoTime();
        try (Device device = Device.open(spec);
             Tensor tq = device.tensor(q, 1, 1, s, d);
             Tensor tk = device.tensor(k, 1, 1, s, d);
             Tensor tv = device.tensor(v, 1, 1, s, d);
             Tensor o = Ops.attention(tq, tk, tv, true)) {
            out = o.toFloatArray();
            if (o.dtype() != DType.F32) {
                throw new AssertionError("dtype " + o.dtype());
            }
        }
        System.out.printf("attention [1, 1, %d, %d] causal on %s: %.1f s%n", s, d, spec, (System.nanoTime() - started) / 1e9);
        // The first rows (few keys), the last (every key), and a few in between.
        int[] rows = {0, 1, 63, 64, 65, s / 2 + 1, s - 2, s - 1, data.random().nextInt(s), data.random().nextInt(s)};
        double scale = (float) (1 / Math.sqrt(d));
        double worst = 0;
        for (int i : rows) {
            double[] want = Reference64.attentionRow(q, k, v, 0, 0, i, 1, 1, s, s, d, true, scale);
            float[] got = java.util.Arrays.copyOfRange(out, i * d, (i + 1) * d);
            worst = Math.max(worst, Reference64.relativeError(got, want));
        }
        System.out.println("worst relative error of " + rows.length + " rows: " + worst);
        System.out.println("VmHWM_KB=" + status("VmHWM"));
        if (!(worst <= dev.panamax.testing.Tolerances.accumulate(DType.F32))) {
            System.out.println("rows differ from the reference; " + data.describe());
            System.exit(2);
        }
    }

    /** A "Name:   N kB" line of /proc/self/status, in kB. */
    private static long status(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException(name + " not in /proc/self/status");
    }
}
