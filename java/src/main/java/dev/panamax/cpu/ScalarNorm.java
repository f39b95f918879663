package dev.panamax.cpu;

/** {@link NormRow} in plain Java: sums in double, element by element. */
final class ScalarNorm implements NormRow {
    static final ScalarNorm INSTANCE = new ScalarNorm();

    private ScalarNorm() {
    }

    @Override
    public double sum(float[] buf, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += buf[i];
        }
        return s;
    }

    @Override
    public double shiftSum(float[] buf, int n, float shift) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            buf[i] -= shift;
            s += buf[i];
        }
        return s;
    }

    @Override
    public double shiftSquares(float[] buf, int n, float shift) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            buf[i] -= shift;
            s += (double) buf[i] * buf[i];
        }
        return s;
    }

    @Override
    public void normalize(float[] buf, int n, float shift, float scale, float[] gamma, float[] beta, int at) {
        for (int i = 0; i < n; i++) {
            float v = (buf[i] - shift) * scale;
            buf[i] = beta == null ? v * gamma[at + i] : Math.fma(v, gamma[at + i], beta[at + i]);
        }
    }
}
