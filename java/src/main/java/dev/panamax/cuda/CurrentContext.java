package dev.panamax.cuda;

import java.lang.foreign.MemorySegment;

import static dev.panamax.bindings.cuda.cuda_h.cuCtxSetCurrent;

/**
 * Makes a device's primary context current on the calling thread before the backend calls the
 * driver. A CUDA context is bound per OS thread; a platform thread remembers which one it last
 * made current (one long per thread, shared by every device, so that alternating between two
 * devices switches each time), and skips the call when it is already that one. A virtual thread
 * may run on another carrier thread after any blocking point, so it sets the context every time.
 *
 * <p>Code that switches contexts itself on a thread that also calls Panamax (cuCtxSetCurrent
 * through another library) must switch back: the remembered context would otherwise be stale.
 */
final class CurrentContext {
    private CurrentContext() {
    }

    private static final ThreadLocal<long[]> CURRENT = ThreadLocal.withInitial(() -> new long[1]);

    static void make(MemorySegment context, String spec) {
        if (Thread.currentThread().isVirtual()) {
            CudaErrors.check(cuCtxSetCurrent(context), spec + ": cuCtxSetCurrent");
            return;
        }
        long[] current = CURRENT.get();
        if (current[0] != context.address()) {
            CudaErrors.check(cuCtxSetCurrent(context), spec + ": cuCtxSetCurrent");
            current[0] = context.address();
        }
    }
}
