package dev.panamax.jmh.cpu;

import dev.panamax.Device;

import java.util.SplittableRandom;

/** Seeded inputs and the CPU device's thread count, shared by the CPU benchmarks. */
final class BenchData {
    private BenchData() {
    }

    /** n values uniform in [-1, 1) from {@code seed}: never zeros, which would flatter a kernel. */
    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** The CPU device's worker threads ({@code panamax.cpu.threads}, default all processors). */
    static int threads() {
        return Integer.parseInt(Device.cpu().info().getOrDefault("threads", "1"));
    }
}
