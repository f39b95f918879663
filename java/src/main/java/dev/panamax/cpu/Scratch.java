package dev.panamax.cpu;

/**
 * Per-thread float buffers that grow on demand and are kept, so that a kernel's scratch costs no
 * allocation per call once its thread has seen the size. A buffer is named by its slot; a call
 * uses the {@code CALL_*} slots on the calling thread (weights widened once per call, read by every
 * worker) and the {@code ROW_*} slots inside its parallel bodies, so that a body the pool runs
 * inline on the calling thread never takes a buffer the call still holds. A pool worker runs one
 * body at a time, so two bodies never share a buffer.
 */
final class Scratch {
    /** Call-level slots: read by the workers while the call runs. */
    static final int CALL_0 = 0, CALL_1 = 1;
    /** Body-level slots. */
    static final int ROW_0 = 2, ROW_1 = 3, ROW_2 = 4;
    private static final int SLOTS = 5;

    private static final ThreadLocal<float[][]> MINE = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Scratch() {
    }

    /** This thread's buffer {@code slot}, at least {@code n} floats; contents unspecified. */
    static float[] get(int slot, int n) {
        float[][] mine = MINE.get();
        if (mine[slot].length < n) {
            mine[slot] = new float[n];
        }
        return mine[slot];
    }
}
