package dev.panamax.testing;

import dev.panamax.reference.Reference64;

/** Assertions against the float64 reference; every message names the seed. */
public final class Check {
    private Check() {
    }

    /** Fails unless ‖out − ref‖/‖ref‖ &lt;= tol; NaN or infinity where ref is finite always fails. */
    public static void close(String what, float[] out, double[] ref, double tol, Data data) {
        double err = Reference64.relativeError(out, ref);
        if (!(err <= tol)) {
            int worst = worst(out, ref);
            throw new AssertionError(what + ": relative error " + err + " > " + tol + "; worst at " + worst + ": got "
                    + (worst >= 0 ? out[worst] : Float.NaN) + ", want " + (worst >= 0 ? ref[worst] : Double.NaN)
                    + "; " + data.describe());
        }
    }

    private static int worst(float[] out, double[] ref) {
        int worst = -1;
        double max = -1;
        for (int i = 0; i < out.length; i++) {
            double d = Math.abs(out[i] - ref[i]);
            if (Double.isNaN(d) && !(Float.isNaN(out[i]) && Double.isNaN(ref[i]))) {
                return i;
            }
            if (d > max) {
                max = d;
                worst = i;
            }
        }
        return worst;
    }
}
