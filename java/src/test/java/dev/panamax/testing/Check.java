package dev.panamax.testing;

import dev.panamax.reference.Reference64;

import java.util.Arrays;

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

    /** Fails unless every element equals (==, so 0.0 equals -0.0; NaN never equals). */
    public static void equal(String what, float[] out, float[] want, Data data) {
        length(what, out.length, want.length, data);
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] == want[i])) {
                throw new AssertionError(what + ": element " + i + " is " + out[i] + ", want exactly " + want[i]
                        + "; " + data.describe());
            }
        }
    }

    /** Fails unless every element has the same bits ({@link Float#floatToIntBits}: any NaN equals any NaN, -0.0 differs from 0.0). */
    public static void sameBits(String what, float[] out, float[] want, Data data) {
        length(what, out.length, want.length, data);
        for (int i = 0; i < out.length; i++) {
            if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(want[i])) {
                throw new AssertionError(what + ": element " + i + " is " + out[i] + ", want the same bits as " + want[i]
                        + "; " + data.describe());
            }
        }
    }

    /** Fails unless the int arrays are equal; the message shows the first row of {@code rowLength} that differs. */
    public static void indices(String what, int[] out, int[] want, int rowLength, Data data) {
        length(what, out.length, want.length, data);
        for (int i = 0; i < out.length; i++) {
            if (out[i] != want[i]) {
                int row = i / rowLength;
                int from = row * rowLength;
                throw new AssertionError(what + ": row " + row + " differs at position " + (i - from) + ": got "
                        + Arrays.toString(Arrays.copyOfRange(out, from, from + rowLength)) + ", want "
                        + Arrays.toString(Arrays.copyOfRange(want, from, from + rowLength)) + "; " + data.describe());
            }
        }
    }

    private static void length(String what, int got, int want, Data data) {
        if (got != want) {
            throw new AssertionError(what + ": " + got + " elements, want " + want + "; " + data.describe());
        }
    }
}
