package dev.panamax.tool;

import dev.panamax.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * What a device can do at best, measured in the same run: a large copy's bandwidth (bytes read
 * plus bytes written per second) and a large bf16 matrix product's FLOP rate; NaN when not
 * measured. Each row of the bench is shown as a fraction of the one that bounds its op.
 */
record Ceilings(double copyBytesPerSecond, double matmulFlopsPerSecond, String source) {

    static final Ceilings NONE = new Ceilings(Double.NaN, Double.NaN, null);

    double of(Row row) {
        double ceiling = row.bound() == Bound.COMPUTE ? matmulFlopsPerSecond : copyBytesPerSecond;
        return row.rate() / ceiling;
    }

    /** "71% copy" or "55% mm": the row's rate as a fraction of its ceiling, or "-". */
    String describe(Row row) {
        double f = of(row);
        return Double.isFinite(f) ? Units.percent(f) + (row.bound() == Bound.COMPUTE ? " mm" : " copy") : "-";
    }

    /** Whether the cpu backend maps its large tensors on huge pages, as its info reports. */
    private static boolean cpuHugePages() {
        return Device.cpu().info().getOrDefault("huge pages", "").startsWith("advised");
    }

    /**
     * The host's copy bandwidth: {@code MemorySegment.copy} of {@code bytes} between two native
     * buffers, split into one slice per core and copied on all cores at once (one thread alone
     * does not draw the memory bandwidth that the multi-threaded kernels do), median of 5 after 2
     * warm-ups; counts the bytes read and written. The buffers are memory of the kind the cpu
     * backend gives its large tensors: advised for huge pages when its info says it advises them
     * ({@code panamax.cpu.hugePages=true}; {@link HugePageBuffer}).
     */
    static Ceilings hostCopy(long bytes) {
        int threads = Runtime.getRuntime().availableProcessors();
        long slice = Math.ceilDiv(Math.ceilDiv(bytes, threads), 64) * 64;
        try (Arena arena = Arena.ofShared(); ForkJoinPool pool = new ForkJoinPool(threads)) {
            boolean huge = cpuHugePages();
            MemorySegment src = huge ? HugePageBuffer.allocate(arena, bytes) : arena.allocate(bytes, 64);
            MemorySegment dst = huge ? HugePageBuffer.allocate(arena, bytes) : arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 0);
            List<Callable<Void>> copies = new ArrayList<>();
            for (long from = 0; from < bytes; from += slice) {
                long at = from, n = Math.min(slice, bytes - from);
                copies.add(() -> {
                    MemorySegment.copy(src, at, dst, at, n);
                    return null;
                });
            }
            double[] t = new double[7];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                for (Future<Void> f : pool.invokeAll(copies)) {
                    f.get();
                }
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(t, 2, t.length);
            Arrays.sort(timed);
            return new Ceilings(2.0 * bytes / timed[timed.length / 2], Double.NaN,
                    "host MemorySegment.copy of " + (bytes >> 20) + " MiB on " + copies.size() + " threads"
                            + (huge ? ", memory advised for huge pages as the cpu backend's tensors are" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the copy ceiling failed: " + e.getCause(), e.getCause());
        }
    }
}
