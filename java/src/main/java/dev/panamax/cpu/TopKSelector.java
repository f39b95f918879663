package dev.panamax.cpu;

import java.util.Arrays;

/**
 * Selects the k first elements under the shared ordering rule (larger first, NaN above
 * everything, -0.0 equal to 0.0, ties to the lower index): for k up to {@link #SORTED_MAX} in an
 * array kept sorted by insertion (few, predictable branches: gating's k), above that in a
 * min-heap of k entries (O(log k) per entry: top-k's k up to 1024).
 *
 * <p>Each element is one long, {@code key << 32 | (0xFFFFFFFF - index)}, where {@link #key} maps
 * floats to ints in the rule's order: comparing the longs is the rule, and no two elements of a
 * row compare equal, so the selection is unique whatever order elements are offered in.
 */
final class TopKSelector {
    /** Largest k kept as a sorted array rather than a heap. */
    static final int SORTED_MAX = 64;

    /** The held entries: sorted descending when k &lt;= SORTED_MAX, else a min-heap. */
    private final long[] heap;
    private int size;
    private int k;
    private boolean sorted;

    /** Scratch for {@link VectorTopK}'s floor, made on first use. */
    private int[] scratch = new int[0];

    TopKSelector(int capacity) {
        this.heap = new long[capacity];
    }

    /** The k of the last {@link #reset}. */
    int k() {
        return k;
    }

    /** An int array of at least n elements, kept for the next call. */
    int[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new int[n];
        }
        return scratch;
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
        this.sorted = k <= SORTED_MAX;
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
        return size < k ? Integer.MIN_VALUE : (int) (heap[sorted ? k - 1 : 0] >> 32);
    }

    /** Offers one element. */
    void offer(long e) {
        if (sorted) {
            if (size == k && e <= heap[k - 1]) {
                return;
            }
            // the last slot is free, or held by the smallest entry, which drops out
            int j = size < k ? size++ : k - 1;
            while (j > 0 && heap[j - 1] < e) {
                heap[j] = heap[j - 1];
                j--;
            }
            heap[j] = e;
            return;
        }
        if (size < k) {
            heap[size] = e;
            siftUp(size++);
        } else if (e > heap[0]) {
            heap[0] = e;
            siftDown();
        }
    }

    /**
     * Offers {@code n} widened values whose indices start at {@code index0}, in ascending order
     * and after every element already held (so an equal key never enters). Vectorized when
     * {@link CpuSimd#VECTOR}.
     */
    void offerAll(float[] x, int n, long index0) {
        if (CpuSimd.VECTOR) {
            VectorTopK.offerAll(this, x, n, index0);
            return;
        }
        int threshold = threshold();
        for (int i = 0; i < n; i++) {
            int key = key(x[i]);
            if (key > threshold) {
                offer(entry(key, index0 + i));
                threshold = threshold();
            }
        }
    }

    /** The held entries, first (largest) first, into {@code out[0, size)}. */
    void drainDescending(long[] out) {
        if (sorted) {
            System.arraycopy(heap, 0, out, 0, size);
        } else {
            Arrays.sort(heap, 0, size);
            for (int i = 0; i < size; i++) {
                out[i] = heap[size - 1 - i];
            }
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
