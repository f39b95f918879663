package dev.panamax.tool;

import dev.panamax.Device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times a prepared case: warm-up, then the median of several samples. A sample runs the op
 * {@code reps} times and then synchronizes the device, with {@code reps} chosen so that a sample
 * lasts at least {@link Budget#sampleNanos} (a few microseconds of launch and synchronize would
 * otherwise dominate small ops); the figure is the per-call time. A case slower than the whole
 * budget gets one sample.
 */
final class Timer {
    private Timer() {
    }

    /**
     * @param warmNanos   warm-up length (JIT, kernel loading, caches), at least one call
     * @param sampleNanos the least length of one sample
     * @param minSamples  samples taken whatever the time, unless one call exceeds the total
     * @param maxSamples  samples taken at most
     * @param totalNanos  time after which no sample beyond the minimum starts
     */
    record Budget(long warmNanos, long sampleNanos, int minSamples, int maxSamples, long totalNanos) {
        static Budget of(Catalog.Profile profile) {
            return switch (profile) {
                case QUICK -> new Budget(50_000_000L, 1_000_000L, 3, 5, 250_000_000L);
                // The CPU kernels reach full speed only once C2 has compiled their Vector API
                // loops: a few hundred calls, seconds on two cores. Warm-up is sized for that.
                case HOST -> new Budget(2_000_000_000L, 5_000_000L, 3, 9, 2_000_000_000L);
                case GPU -> new Budget(200_000_000L, 2_000_000L, 5, 20, 1_000_000_000L);
            };
        }
    }

    /** The median seconds per call, the samples taken, and the calls per sample. */
    record Timing(double seconds, int samples, int reps) {
    }

    static Timing measure(Device device, Prepared p, Budget budget) {
        long warmStart = System.nanoTime();
        long one;
        int warm = 0;
        do {
            long t0 = System.nanoTime();
            p.run();
            device.synchronize();
            one = Math.max(1, System.nanoTime() - t0);
            warm++;
        } while (System.nanoTime() - warmStart < budget.warmNanos() && warm < 500);

        int reps = (int) Math.max(1, Math.min(1000, (budget.sampleNanos() + one - 1) / one));
        int minSamples = one > budget.totalNanos() ? 1 : budget.minSamples();
        List<Double> perCall = new ArrayList<>();
        long start = System.nanoTime();
        while (perCall.size() < budget.maxSamples()
                && (perCall.size() < minSamples || System.nanoTime() - start < budget.totalNanos())) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                p.run();
            }
            device.synchronize();
            perCall.add((System.nanoTime() - t0) / 1e9 / reps);
        }
        Collections.sort(perCall);
        int n = perCall.size();
        double median = n % 2 == 1 ? perCall.get(n / 2) : (perCall.get(n / 2 - 1) + perCall.get(n / 2)) / 2;
        return new Timing(median, n, reps);
    }
}
