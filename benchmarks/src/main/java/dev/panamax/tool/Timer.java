package dev.panamax.tool;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Times a callable piece of work: warm-up until the per-call time is steady, then the median of
 * several samples. A sample runs the work {@code reps} times and then waits for it to finish, with
 * {@code reps} chosen so that a sample lasts at least {@link Budget#sampleNanos} (a few
 * microseconds of launch and synchronize would otherwise dominate small ops); the figure is the
 * per-call time. A case slower than the whole sampling budget gets one sample.
 *
 * <p><b>Steady.</b> The first calls of a CPU kernel run in the interpreter and then in C1's code
 * until C2 has compiled it, 100 to 1000 times slower than at the end, and the JIT can take a
 * second or more to get there on a busy two-core machine; timing before that measures the JIT.
 * Warm-up therefore runs in windows, each at least 3 calls and at least twice as long as the one
 * before (starting at {@link Budget#windowNanos}), and stops at the first window that
 * <ul>
 *   <li>ends {@link Budget#minWarmNanos} or more after warm-up began,</li>
 *   <li>is no more than {@value #STEADY_TOLERANCE_PERCENT}% faster per call (median) than the
 *       window before: the time has stopped falling (a slower window is the machine's load, not
 *       warm-up), and</li>
 *   <li>ends with the JIT neither compiling nor holding in its queue a method of the library or
 *       of the Vector API (the JVM's {@code Compiler.queue} diagnostic command; where the runtime
 *       lacks it, the JIT compiled for less than half of the window): a plateau of interpreted
 *       calls while C2 compiles a kernel looks steady by time alone.</li>
 * </ul>
 * At {@link Budget#maxWarmNanos} warm-up gives up: the figure is still measured, but
 * {@link Timing#steady()} is false and {@link Timing#unsteady()} says why, for the row's note.
 */
final class Timer {
    static final int STEADY_TOLERANCE_PERCENT = 10;
    private static final int WINDOW_CALLS = 3;

    private Timer() {
    }

    /** The work to time: {@code run} queues one call, {@code await} waits until queued calls are done. */
    interface Work {
        void run();

        void await();
    }

    /** Where time and the JIT's activity come from (a fake one in tests). */
    interface Clock {
        long nanos();

        /** Milliseconds the JIT has spent compiling since the JVM started, summed over its threads; -1 when not known. */
        long jitMillis();

        /** Methods of the library or the Vector API ({@link #WATCHED}) that the JIT is compiling or has queued now; -1 when not known. */
        int jitPending();

        Clock SYSTEM = new SystemClock();
    }

    /** System.nanoTime, the CompilationMXBean, and the DiagnosticCommand MBean's compilerQueue (jcmd Compiler.queue). */
    private static final class SystemClock implements Clock {
        private final CompilationMXBean jit;
        private final MBeanServer server;
        private final ObjectName commands;

        SystemClock() {
            CompilationMXBean bean = null;
            MBeanServer s = null;
            ObjectName n = null;
            try {
                bean = ManagementFactory.getCompilationMXBean();
                if (bean != null && !bean.isCompilationTimeMonitoringSupported()) {
                    bean = null;
                }
                s = ManagementFactory.getPlatformMBeanServer();
                n = new ObjectName("com.sun.management:type=DiagnosticCommand");
                if (!s.isRegistered(n)) {
                    n = null;
                }
            } catch (RuntimeException | LinkageError | JMException e) {
                // no java.management or jdk.management in this runtime: time alone decides
            }
            jit = bean;
            server = s;
            commands = n;
            jitPending(); // the first call loads the MBean's classes (tens of ms): not inside a window
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long jitMillis() {
            return jit == null ? -1 : jit.getTotalCompilationTime();
        }

        @Override
        public int jitPending() {
            if (commands == null) {
                return -1;
            }
            try {
                Object text = server.invoke(commands, "compilerQueue", new Object[] {null},
                        new String[] {String[].class.getName()});
                return pendingCompiles(String.valueOf(text));
            } catch (JMException | RuntimeException e) {
                return -1;
            }
        }
    }

    /** The packages whose compilation warm-up waits for: the library's and the Vector API's. */
    static final List<String> WATCHED = List.of(" dev.panamax.", " jdk.incubator.vector.", " jdk.internal.vm.vector.");

    /**
     * The methods of {@link #WATCHED} packages in the text of {@code jcmd Compiler.queue}, whose
     * lines under "Current compiles:" and each "... compile queue:" heading read e.g.
     * {@code "C2 CompilerThread0  1141  !  4  dev.panamax.Ops::gemm (833 bytes)"}.
     */
    static int pendingCompiles(String queueText) {
        int n = 0;
        for (String line : queueText.split("\n")) {
            if (WATCHED.stream().anyMatch(line::contains)) {
                n++;
            }
        }
        return n;
    }

    /**
     * @param minWarmNanos the least warm-up, whatever the calls look like
     * @param maxWarmNanos warm-up after which timing starts anyway, the row marked unsteady
     * @param windowNanos  the least length of the first warm-up window (each next one is twice as long)
     * @param sampleNanos  the least length of one sample
     * @param minSamples   samples taken whatever the time, unless one call exceeds the total
     * @param maxSamples   samples taken at most
     * @param totalNanos   time after which no sample beyond the minimum starts
     */
    record Budget(long minWarmNanos, long maxWarmNanos, long windowNanos, long sampleNanos, int minSamples,
                  int maxSamples, long totalNanos) {
        static Budget of(Catalog.Profile profile) {
            return switch (profile) {
                // small shapes: a few hundred ms of warm-up usually, 3 s at most per case
                case QUICK -> new Budget(100_000_000L, 3_000_000_000L, 10_000_000L, 1_000_000L, 3, 5, 250_000_000L);
                // the CPU targets: products of up to 137 GFLOP, most of a second a call on 2 cores
                case HOST -> new Budget(500_000_000L, 20_000_000_000L, 50_000_000L, 5_000_000L, 3, 9, 2_000_000_000L);
                // OpenCL devices; on PoCL a call of the largest cases takes seconds
                case OPENCL -> new Budget(200_000_000L, 10_000_000_000L, 50_000_000L, 5_000_000L, 3, 9, 2_000_000_000L);
                case GPU -> new Budget(200_000_000L, 5_000_000_000L, 10_000_000L, 2_000_000L, 5, 20, 1_000_000_000L);
            };
        }
    }

    /**
     * The median seconds per call, the samples taken, the calls per sample, and the warm-up:
     * its calls, its length, and why it never became steady (null when it did).
     */
    record Timing(double seconds, int samples, int reps, int warmCalls, double warmSeconds, String unsteady) {
        boolean steady() {
            return unsteady == null;
        }
    }

    static Timing measure(Work work, Budget budget) {
        return measure(work, budget, Clock.SYSTEM);
    }

    static Timing measure(Work work, Budget budget, Clock clock) {
        long warmStart = clock.nanos();
        int calls = 0;
        long window = budget.windowNanos();
        double previous = Double.NaN;
        String unsteady;
        long last;
        while (true) {
            long jit0 = clock.jitMillis();
            long w0 = clock.nanos();
            List<Long> times = new ArrayList<>();
            long now = w0;
            do {
                long t0 = clock.nanos();
                work.run();
                work.await();
                now = clock.nanos();
                times.add(Math.max(1, now - t0));
            } while ((times.size() < WINDOW_CALLS || now - w0 < window) && now - warmStart < budget.maxWarmNanos());
            calls += times.size();
            last = median(times);
            long jit1 = clock.jitMillis();
            int pending = clock.jitPending();
            boolean jitBusy = pending >= 0 ? pending > 0 : jit0 >= 0 && jit1 >= 0 && (jit1 - jit0) * 2_000_000.0 >= now - w0;
            boolean stopped = (previous - last) * 100 <= STEADY_TOLERANCE_PERCENT * previous; // false on NaN
            if (now - warmStart >= budget.minWarmNanos() && stopped && !jitBusy) {
                unsteady = null;
                break;
            }
            if (now - warmStart >= budget.maxWarmNanos()) {
                unsteady = jitBusy
                        ? "the JIT was still compiling the library's or the Vector API's methods"
                        : Double.isNaN(previous)
                        ? "too few calls to compare (" + Units.seconds(last / 1e9) + " a call)"
                        : String.format(Locale.ROOT, "still getting faster: %s, then %s a call (median of a window)",
                        Units.seconds(previous / 1e9), Units.seconds(last / 1e9));
                unsteady = "not steady after " + Units.seconds((now - warmStart) / 1e9) + " of warm-up (" + calls
                        + " calls): " + unsteady;
                break;
            }
            previous = last;
            window *= 2;
        }
        double warmSeconds = (clock.nanos() - warmStart) / 1e9;

        int reps = (int) Math.max(1, Math.min(1000, (budget.sampleNanos() + last - 1) / last));
        int minSamples = last > budget.totalNanos() ? 1 : budget.minSamples();
        List<Double> perCall = new ArrayList<>();
        long start = clock.nanos();
        while (perCall.size() < budget.maxSamples()
                && (perCall.size() < minSamples || clock.nanos() - start < budget.totalNanos())) {
            long t0 = clock.nanos();
            for (int r = 0; r < reps; r++) {
                work.run();
            }
            work.await();
            perCall.add((clock.nanos() - t0) / 1e9 / reps);
        }
        Collections.sort(perCall);
        int n = perCall.size();
        double median = n % 2 == 1 ? perCall.get(n / 2) : (perCall.get(n / 2 - 1) + perCall.get(n / 2)) / 2;
        return new Timing(median, n, reps, calls, warmSeconds, unsteady);
    }

    private static long median(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
