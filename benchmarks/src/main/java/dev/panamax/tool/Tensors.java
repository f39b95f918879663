package dev.panamax.tool;

import dev.panamax.Tensor;

/** Closing groups of tensors, some possibly null, the first failure carrying the later ones. */
final class Tensors {
    private Tensors() {
    }

    static void closeAll(Tensor... tensors) {
        RuntimeException failure = null;
        for (Tensor t : tensors) {
            if (t == null) {
                continue;
            }
            try {
                t.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
