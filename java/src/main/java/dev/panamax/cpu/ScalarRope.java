package dev.panamax.cpu;

/** {@link RopeRow} in scalar Java: pairs (i, i + pairs), or (2i, 2i + 1) when interleaved; tables [pairs]. */
final class ScalarRope implements RopeRow {
    static final ScalarRope HALVES = new ScalarRope(false);
    static final ScalarRope INTERLEAVED = new ScalarRope(true);

    private final boolean interleaved;

    private ScalarRope(boolean interleaved) {
        this.interleaved = interleaved;
    }

    @Override
    public void tables(float position, float[] inv, int pairs, float[] cos, float[] sin) {
        RopeRow.angles(position, inv, pairs, cos, sin);
    }

    @Override
    public void rotate(float[] row, int pairs, float[] cos, float[] sin, int at) {
        int step = interleaved ? 2 : 1, second = interleaved ? 1 : pairs;
        for (int i = 0, j = 0; i < pairs; i++, j += step) {
            float x1 = row[j], x2 = row[j + second];
            row[j] = x1 * cos[at + i] - x2 * sin[at + i];
            row[j + second] = x1 * sin[at + i] + x2 * cos[at + i];
        }
    }
}
