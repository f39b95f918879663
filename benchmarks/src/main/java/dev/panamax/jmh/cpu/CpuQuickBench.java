package dev.panamax.jmh.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A plain-Java runner for the CPU backend's figures when JMH is too slow for the machine: each op
 * at the shapes of PERFORMANCE.md beside its peer or ceiling in the same run (GEMM beside OpenBLAS
 * cblas_sgemm through FFM with the same thread count, softmax beside a MemorySegment.copy of the
 * same bytes, attention beside our own GEMM rate). Runs of the op and its peer alternate, so both
 * see the same machine load; each figure is the median of the timed runs.
 *
 * <p>Usage: {@code CpuQuickBench [gemm] [fewrows] [softmax] [attention] [gating] [topk]} (default all),
 * {@code -Dbench.runs=N} timed runs per figure (default 15). Threads: {@code panamax.cpu.threads}.
 */
public final class CpuQuickBench {
    private static final int RUNS = Integer.getInteger("bench.runs", 15);
    private static final double WARMUP_S = Double.parseDouble(System.getProperty("bench.warmup", "3"));
    private static final Device CPU = Device.cpu();

    private CpuQuickBench() {
    }

    public static void main(String[] args) {
        List<String> ops = args.length == 0 ? List.of("gemm", "fewrows", "softmax", "attention", "gating", "topk") : Arrays.asList(args);
        int threads = Integer.parseInt(CPU.info().getOrDefault("threads", "1"));
        System.out.printf(Locale.ROOT, "# %s, %s, %d threads, kernels: %s, %d timed runs per figure%n", CPU.name(),
                Runtime.version(), threads, CPU.info().get("kernels"), RUNS);
        double gemmRate = 0;
        if (ops.contains("gemm")) {
            for (int n : new int[] {512, 1024, 2048}) {
                double rate = gemm(n, threads);
                if (n == 1024) {
                    gemmRate = rate; // the rate attention below is held to
                }
            }
        }
        if (ops.contains("fewrows")) {
            for (int m : new int[] {1, 8}) {
                for (boolean transB : new boolean[] {false, true}) {
                    fewRows(m, 4096, transB, threads);
                }
            }
        }
        if (ops.contains("softmax")) {
            softmax(4096, 4096);
        }
        if (ops.contains("attention")) {
            attention(8, 2048, 64, gemmRate);
        }
        if (ops.contains("gating")) {
            for (int e : new int[] {64, 128, 256}) {
                for (int k : new int[] {2, 8}) {
                    gating(16384, e, k);
                }
            }
        }
        if (ops.contains("topk")) {
            topK(64, 32768, 64);
            topK(1, 4_000_000, 1024);
        }
    }

    /** Median seconds of {@code body} over RUNS runs after warm-up, alternating with {@code peer} when given. */
    private static double[] timeBoth(Runnable body, Runnable peer) {
        long warmUntil = System.nanoTime() + (long) (WARMUP_S * 1e9);
        do {
            body.run();
            if (peer != null) {
                peer.run();
            }
        } while (System.nanoTime() < warmUntil);
        double[] a = new double[RUNS], b = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            a[r] = seconds(body);
            if (peer != null) {
                b[r] = seconds(peer);
            }
        }
        return new double[] {median(a), peer == null ? Double.NaN : median(b)};
    }

    private static double seconds(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static double gemm(int n, int threads) {
        float[] a = random(n * n, 1), b = random(n * n, 2);
        double flops = 2.0 * n * n * n;
        try (Tensor ta = CPU.tensor(a, n, n); Tensor tb = CPU.tensor(b, n, n); Tensor tc = CPU.zeros(DType.F32, n, n);
             Arena arena = Arena.ofConfined()) {
            Runnable ours = () -> Ops.gemm(1f, ta, false, tb, false, 0f, tc);
            Runnable peer = null;
            String why = OpenBlas.unavailability().orElse(null);
            if (why == null) {
                MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                MemorySegment sc = arena.allocate((long) n * n * 4, 64);
                OpenBlas.setThreads(threads);
                peer = () -> OpenBlas.sgemm(false, false, n, n, n, 1f, sa, sb, 0f, sc);
            }
            double[] t = timeBoth(ours, peer);
            double rate = flops / t[0] / 1e9;
            if (why != null) {
                System.out.printf(Locale.ROOT, "gemm F32 %d^3: panamax %.1f GFLOP/s; %s%n", n, rate, why);
            } else {
                double peerRate = flops / t[1] / 1e9;
                System.out.printf(Locale.ROOT, "gemm F32 %d^3: panamax %.1f GFLOP/s, OpenBLAS (%s) %.1f GFLOP/s, ratio %.2f%n",
                        n, rate, OpenBlas.coreName(), peerRate, rate / peerRate);
            }
            return rate;
        }
    }

    /** c [m, n] = a [m, n] @ op(b), b [n, n] (stored transposed when transB): decoding-sized products. */
    private static void fewRows(int m, int n, boolean transB, int threads) {
        float[] a = random(m * n, 11), b = random(n * n, 12);
        double bBytes = 4.0 * n * n;
        try (Tensor ta = CPU.tensor(a, m, n); Tensor tb = CPU.tensor(b, n, n); Tensor tc = CPU.zeros(DType.F32, m, n);
             Arena arena = Arena.ofConfined()) {
            Runnable ours = () -> Ops.gemm(1f, ta, false, tb, transB, 0f, tc);
            Runnable peer = null;
            if (OpenBlas.unavailability().isEmpty()) {
                MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                MemorySegment sc = arena.allocate((long) m * n * 4, 64);
                OpenBlas.setThreads(threads);
                peer = () -> OpenBlas.sgemm(false, transB, m, n, n, 1f, sa, sb, 0f, sc);
            }
            double[] t = timeBoth(ours, peer);
            System.out.printf(Locale.ROOT, "gemm F32 M=%d N=K=%d%s: panamax %.3f ms (%.1f GB/s of B)%s%n", m, n,
                    transB ? " (b transposed)" : "", t[0] * 1e3, bBytes / t[0] / 1e9,
                    peer == null ? "; " + OpenBlas.unavailability().orElse("")
                            : String.format(Locale.ROOT, ", OpenBLAS %.3f ms, ratio %.2f", t[1] * 1e3, t[1] / t[0]));
        }
    }

    private static void softmax(int rows, int cols) {
        long bytes = (long) rows * cols * 4;
        try (Tensor x = CPU.tensor(random(rows * cols, 3), rows, cols); Tensor out = CPU.zeros(DType.F32, rows, cols);
             Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(bytes, 64), dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            double[] t = timeBoth(() -> Ops.softmax(x, out), () -> MemorySegment.copy(src, 0, dst, 0, bytes));
            double ours = 2 * bytes / t[0] / 1e9, copy = 2 * bytes / t[1] / 1e9;
            System.out.printf(Locale.ROOT, "softmax F32 [%d, %d]: panamax %.2f ms (%.1f GB/s read+write), copy %.2f ms (%.1f GB/s), ratio %.2f%n",
                    rows, cols, t[0] * 1e3, ours, t[1] * 1e3, copy, ours / copy);
        }
    }

    private static void attention(int heads, int seq, int d, double gemmRate) {
        int n = heads * seq * d;
        double flops = 4.0 * heads * d * seq * (seq + 1) / 2; // causal: QK^T and PV over the visible half
        try (Tensor q = CPU.tensor(random(n, 4), 1, heads, seq, d); Tensor k = CPU.tensor(random(n, 5), 1, heads, seq, d);
             Tensor v = CPU.tensor(random(n, 6), 1, heads, seq, d)) {
            double[] t = timeBoth(() -> Ops.attention(q, k, v, true).close(), null);
            double rate = flops / t[0] / 1e9;
            System.out.printf(Locale.ROOT, "attention F32 causal B=1 H=%d S=%d D=%d: %.1f ms, %.1f GFLOP/s, ratio to our 1024^3 GEMM rate (%.1f GFLOP/s) %.2f%n",
                    heads, seq, d, t[0] * 1e3, rate, gemmRate, gemmRate > 0 ? rate / gemmRate : Double.NaN);
        }
    }

    private static void gating(int tokens, int experts, int k) {
        try (Tensor logits = CPU.tensor(random(tokens * experts, 7), tokens, experts)) {
            double[] t = timeBoth(() -> {
                try (Routing r = Ops.topKGating(logits, k, true)) {
                    r.weights();
                }
            }, null);
            double bytes = (double) tokens * experts * 4;
            System.out.printf(Locale.ROOT, "topKGating F32 T=%d E=%d k=%d: %.3f ms (%.1f GB/s of logits)%n",
                    tokens, experts, k, t[0] * 1e3, bytes / t[0] / 1e9);
        }
    }

    private static void topK(int rows, int n, int k) {
        try (Tensor x = CPU.tensor(random(rows * n, 8), rows, n)) {
            double[] t = timeBoth(() -> {
                try (TopK r = Ops.topK(x, k)) {
                    r.values();
                }
            }, null);
            System.out.printf(Locale.ROOT, "topK F32 [%d, %d] k=%d: %.3f ms (%.1f GB/s)%n", rows, n, k, t[0] * 1e3,
                    (double) rows * n * 4 / t[0] / 1e9);
        }
    }
}
