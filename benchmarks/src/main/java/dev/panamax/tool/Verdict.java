package dev.panamax.tool;

/**
 * The result check of one case: the relative error ‖out − ref‖/‖ref‖ of a sample against the
 * float64 reference, the tolerance it must stay under (0 means exact), and a problem that fails
 * the case whatever the error (wrong indices), or null.
 */
record Verdict(double error, double tolerance, String problem) {

    boolean ok() {
        return problem == null && (tolerance == 0 ? error == 0 : error <= tolerance); // NaN fails both
    }

    static Verdict of(double error, double tolerance) {
        return new Verdict(error, tolerance, null);
    }

    /** This verdict, failed by {@code problem} when it is not null. */
    Verdict with(String problem) {
        return problem == null ? this : new Verdict(error, tolerance, this.problem == null ? problem : this.problem + "; " + problem);
    }
}
