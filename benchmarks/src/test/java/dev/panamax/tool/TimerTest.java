package dev.panamax.tool;

import org.junit.jupiter.api.Test;

import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Timer} on a fake clock: each call advances it by a scripted time; the JIT is busy while a script says so. */
class TimerTest {
    private static final Timer.Budget QUICK = Timer.Budget.of(Catalog.Profile.QUICK);

    /** How long the n-th call (from 0) takes when it starts at {@code now}. */
    private interface Script {
        long nanos(int n, long now);
    }

    /** A clock and a piece of work whose calls take what the script says; the JIT reports what {@code busy} says. */
    private static final class Scripted implements Timer.Clock, Timer.Work {
        private final Script nanos;
        private final IntPredicate busy;
        private final boolean knowsQueue;
        long now;
        int calls;
        long jitMillis;

        Scripted(Script nanos, IntPredicate busy, boolean knowsQueue) {
            this.nanos = nanos;
            this.busy = busy;
            this.knowsQueue = knowsQueue;
        }

        @Override
        public void run() {
            long t = nanos.nanos(calls, now);
            if (busy.test(calls)) {
                jitMillis += t / 1_000_000 + 1; // the compiler threads as busy as the caller
            }
            now += t;
            calls++;
        }

        @Override
        public void await() {
        }

        @Override
        public long nanos() {
            return now;
        }

        @Override
        public long jitMillis() {
            return jitMillis;
        }

        @Override
        public int jitPending() {
            return !knowsQueue ? -1 : busy.test(calls) ? 3 : 0;
        }
    }

    @Test
    void aPlateauWhileTheJitCompilesIsNotTakenForSteady() {
        // 40 calls at 25 ms (interpreted: steady-looking) while C2 works, then 80 us; the JIT's
        // queue tells, and where the runtime lacks it, its compile time does
        for (boolean knowsQueue : new boolean[] {true, false}) {
            Scripted s = new Scripted((n, now) -> n < 40 ? 25_000_000L : 80_000L, n -> n < 40, knowsQueue);
            Timer.Timing t = Timer.measure(s, QUICK, s);
            assertTrue(t.steady(), t.unsteady());
            assertEquals(80e-6, t.seconds(), 1e-9, "knows the queue: " + knowsQueue);
            assertTrue(t.warmCalls() > 40, "warm-up ran past the plateau: " + t);
        }
    }

    @Test
    void aTimeThatKeepsFallingIsNotSteady() {
        // the time per call halves every 300 ms, the JIT quiet all along
        Scripted s = new Scripted((n, now) -> Math.max(100L, (long) (2_000_000 * Math.pow(0.5, now / 300e6))), n -> false, true);
        Timer.Timing t = Timer.measure(s, QUICK, s);
        assertFalse(t.steady());
        assertTrue(t.unsteady().contains("still getting faster"), t.unsteady());
        assertTrue(t.warmSeconds() >= QUICK.maxWarmNanos() / 1e9 && t.warmSeconds() < QUICK.maxWarmNanos() / 1e9 + 0.1, t.toString());
    }

    @Test
    void aJitThatNeverSettlesIsReportedAndTheFigureStillTaken() {
        Scripted s = new Scripted((n, now) -> 1_000_000L, n -> true, true);
        Timer.Timing t = Timer.measure(s, QUICK, s);
        assertFalse(t.steady());
        assertNotNull(t.unsteady());
        assertTrue(t.unsteady().startsWith("not steady after 3.00 s of warm-up") && t.unsteady().contains("JIT"), t.unsteady());
        assertEquals(1e-3, t.seconds(), 1e-12);
    }

    @Test
    void aSteadyTimeEndsWarmUpSoonAfterTheMinimum() {
        Scripted s = new Scripted((n, now) -> 1_000_000L, n -> false, true);
        Timer.Timing t = Timer.measure(s, QUICK, s);
        assertTrue(t.steady(), t.unsteady());
        assertTrue(t.warmSeconds() >= QUICK.minWarmNanos() / 1e9 && t.warmSeconds() < 4 * QUICK.minWarmNanos() / 1e9,
                t.toString());
    }

    @Test
    void aSlowerWindowIsLoadNotWarmUp() {
        // the machine gets busier half-way: slower calls do not hold warm-up back
        Scripted s = new Scripted((n, now) -> n < 60 ? 1_000_000L : 1_500_000L, n -> false, true);
        Timer.Timing t = Timer.measure(s, QUICK, s);
        assertTrue(t.steady(), t.unsteady());
    }

    @Test
    void countsTheLibrarysAndTheVectorApisMethodsInTheCompilerQueue() {
        String queue = """
                Current compiles:
                C2 CompilerThread0  1608 %     4       dev.panamax.cpu.VectorSoftmax::softmax @ 58 (434 bytes)
                C1 CompilerThread0  1610       3       java.lang.String::hashCode (60 bytes)

                C1 compile queue:
                Empty

                C2 compile queue:
                1609       4       jdk.incubator.vector.FloatVector::mul (9 bytes)
                1611       4       java.util.ArrayList::get (15 bytes)
                1612       4       jdk.internal.vm.vector.VectorSupport::binaryOp (38 bytes)
                """;
        assertEquals(3, Timer.pendingCompiles(queue));
        assertEquals(0, Timer.pendingCompiles("Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n"));
    }

    @Test
    void theSystemClockReadsThisJvmsCompilerQueue() {
        assertTrue(Timer.Clock.SYSTEM.jitPending() >= 0, "the DiagnosticCommand MBean answers in a full JDK");
        assertTrue(Timer.Clock.SYSTEM.jitMillis() >= 0);
    }
}
