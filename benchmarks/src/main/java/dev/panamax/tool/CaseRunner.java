package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.testing.Data;

/**
 * Runs one case on one device: set up, run once and check against the reference (the first
 * run also loads kernels and compiles), then time ({@link Timer}: warm-up until steady, then the
 * median of samples; a row whose warm-up never became steady says so in its note). Any failure, an op that throws included
 * (a kernel not written yet, a driver error, out of memory), becomes a FAIL row with the reason:
 * the bench goes on with the next case.
 */
final class CaseRunner {
    private final Device device;
    private final Case c;
    private final BenchOp op;
    private final Data data;
    private final Timer.Budget budget;

    CaseRunner(Device device, Case c, BenchOp op, Data data, Timer.Budget budget) {
        this.device = device;
        this.c = c;
        this.op = op;
        this.data = data;
        this.budget = budget;
    }

    Row run() {
        Verdict verdict = null;
        try (Prepared p = op.prepare(device, c, data)) {
            p.run();
            device.synchronize();
            verdict = p.check();
            Timer.Timing t = Timer.measure(new Timer.Work() {
                @Override
                public void run() {
                    p.run();
                }

                @Override
                public void await() {
                    device.synchronize();
                }
            }, budget);
            String note = verdict.ok() ? t.unsteady() : mismatch(verdict);
            return row(t.seconds(), t.steady(), verdict, verdict.ok() ? Row.Status.OK : Row.Status.FAIL, note);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            return row(Double.NaN, false, verdict, Row.Status.FAIL, firstLine(why));
        }
    }

    private Row row(double seconds, boolean steady, Verdict verdict, Row.Status status, String note) {
        return new Row(c, device.spec(), op.bound(c), op.flops(c), op.bytes(c), seconds, steady, verdict, status, note);
    }

    private String mismatch(Verdict v) {
        StringBuilder s = new StringBuilder();
        if (!(v.tolerance() == 0 ? v.error() == 0 : v.error() <= v.tolerance())) {
            s.append("relative error ").append(Units.error(v.error())).append(v.tolerance() == 0 ? " where exact results are required"
                    : " above the tolerance " + Units.error(v.tolerance()));
        }
        if (v.problem() != null) {
            s.append(s.isEmpty() ? "" : "; ").append(v.problem());
        }
        return s.toString(); // the header's seed replays the inputs
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
