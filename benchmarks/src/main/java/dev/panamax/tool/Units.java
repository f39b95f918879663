package dev.panamax.tool;

import java.util.Locale;

/** Human-readable figures: times, rates, errors. */
final class Units {
    private Units() {
    }

    static String seconds(double s) {
        if (Double.isNaN(s)) {
            return "-";
        }
        if (s >= 1) {
            return fmt(s, "s");
        }
        if (s >= 1e-3) {
            return fmt(s * 1e3, "ms");
        }
        return fmt(s * 1e6, "us");
    }

    /** A rate in FLOP/s or B/s, e.g. "612 GFLOP/s", "3.91 TB/s". */
    static String rate(double perSecond, Bound bound) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            return "-";
        }
        String unit = bound == Bound.COMPUTE ? "FLOP/s" : "B/s";
        String[] prefixes = {"", "K", "M", "G", "T", "P"};
        int p = 0;
        double v = perSecond;
        while (v >= 1000 && p < prefixes.length - 1) {
            v /= 1000;
            p++;
        }
        return fmt(v, prefixes[p] + unit);
    }

    /** Three significant digits. */
    private static String fmt(double v, String unit) {
        String n = v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
        return n + " " + unit;
    }

    static String error(double e) {
        if (Double.isNaN(e)) {
            return "-";
        }
        if (e == 0) {
            return "0";
        }
        return Double.isInfinite(e) ? "inf" : String.format(Locale.ROOT, "%.1e", e);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) || Double.isInfinite(fraction) ? "-" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
