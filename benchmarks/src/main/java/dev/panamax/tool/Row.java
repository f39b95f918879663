package dev.panamax.tool;

/**
 * One line of the bench table: a case on a device, its median time per call (NaN when it did
 * not run), whether warm-up reached a steady per-call time before timing ({@link Timer}), the
 * result check, and why it failed, was skipped or is unsteady (null when none of these).
 */
record Row(Case c, String device, Bound bound, double flops, double bytes, double seconds, boolean steady,
           Verdict verdict, Status status, String note) {

    enum Status {
        OK, FAIL, SKIP
    }

    /** FLOP/s or bytes/s, by what bounds the op; NaN when not timed. */
    double rate() {
        return (bound == Bound.COMPUTE ? flops : bytes) / seconds;
    }
}
