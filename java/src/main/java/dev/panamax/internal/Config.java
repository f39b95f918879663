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
        String v = string(name, env);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'");
    }
}
