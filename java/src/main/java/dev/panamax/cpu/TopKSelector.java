package dev.panamax.cpu;

import java.util.Arrays;

/**
 * Selects the k first elements under the shared ordering rule (larger first, NaN above
 * everything, -0.0 equal to 0.0, ties to the lower index) with a min-heap of k entries.
 *
 * <p>Each element is one long, {@code key << 32 | (0xFFFFFFFF - index)}, where {@link #key} maps
 * floats to ints in the rule's order: comparing the longs is the rule, and no two elements of a
 * row compare equal, so the selection is unique whatever order elements are offered in.
 */
final class TopKSelector {
    private final long[] heap;
    private int size;
    private int k;

    TopKSelector(int capacity) {
        this.heap = new long[capacity];
    }

    /** The ordering key of x: NaN highest, -0.0 as 0.0, otherwise the order of the floats. */
    static int key(float x) {
        if (x != x) {
            return Integer.MAX_VALUE;
        }
        int bits = Float.floatToRawIntBits(x + 0f);
        return bits ^ ((bits >> 31) & 0x7FFF_FFFF);
    }

    static long entry(int key, long index) {
        return ((long) key << 32) | (0xFFFF_FFFFL - index);
    }

    static int index(long entry) {
        return (int) (0xFFFF_FFFFL - (entry & 0xFFFF_FFFFL));
    }

    void reset(int k) {
        this.k = k;
        this.size = 0;
    }

    int size() {
        return size;
    }

    /**
     * The key an element must exceed to enter, for elements offered in ascending index order
     * after every element already held; Integer.MIN_VALUE while not full (then any enters, and a
     * key of MIN_VALUE needs {@link #offer} anyway).
     */
    int threshold() {
        return size < k ? Integer.MIN_VALUE : (int) (heap[0] >> 32);
    }

    /** Offers one element. */
    void offer(long e) {
        if (size < k) {
            heap[size] = e;
            siftUp(size++);
        } else if (e > heap[0]) {
            heap[0] = e;
            siftDown();
        }
    }

    /** Offers {@code n} widened values whose indices start at {@code index0}, in ascending order. */
    void offerAll(float[] x, int n, long index0) {
        for (int i = 0; i < n; i++) {
            int key = key(x[i]);
            if (size < k || key > (int) (heap[0] >> 32)) {
                offer(entry(key, index0 + i));
            }
        }
    }

    /** The held entries, first (largest) first, into {@code out[0, size)}. */
    void drainDescending(long[] out) {
        Arrays.sort(heap, 0, size);
        for (int i = 0; i < size; i++) {
            out[i] = heap[size - 1 - i];
        }
        size = 0;
    }

    private void siftUp(int i) {
        long e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= e) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    private void siftDown() {
        long e = heap[0];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (e <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = e;
    }
}
