package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;

/** The Vector API's preferred float shape; loaded only after the module was found. */
final class VectorInfo {
    private VectorInfo() {
    }

    static int floatBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
