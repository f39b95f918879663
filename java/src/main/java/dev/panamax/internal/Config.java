package dev.panamax.internal;

/** Reads configuration: a system property first, then its environment variable. */
public final class Config {
    private Config() {
    }

    /** The value of property {@code name}, else of environment variable {@code env}, else null; blank counts as unset. */
    public static String string(String name, String env) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = env == null ? null : System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /** A positive integer setting, or {@code dflt}; a malformed value is an IllegalArgumentException naming it. */
    public static int positiveInt(String name, String env, int dflt) {
        return atLeast(name, env, dflt, 1, "a positive integer");
    }

    /** A non-negative integer setting, or {@code dflt}; a malformed value is an IllegalArgumentException naming it. */
    public static int nonNegativeInt(String name, String env, int dflt) {
        return atLeast(name, env, dflt, 0, "a non-negative integer");
    }

    private static int atLeast(String name, String env, int dflt, int min, String what) {
        String v = string(name, env);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(name + " must be " + what + ", got '" + v + "'");
    }
}
