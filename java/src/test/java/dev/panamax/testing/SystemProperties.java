package dev.panamax.testing;

/** Runs code with a system property set (or cleared, for null) and restores it afterwards. */
public final class SystemProperties {
    private SystemProperties() {
    }

    public static void with(String name, String value, Runnable body) {
        String saved = System.getProperty(name);
        try {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
            body.run();
        } finally {
            if (saved == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, saved);
            }
        }
    }
}
