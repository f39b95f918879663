package dev.panamax.models;

/** The INT8 model checks on the CPU backend. */
class Int8ModelsTest extends Int8ModelChecks {
    @Override
    String spec() {
        return "cpu";
    }
}
