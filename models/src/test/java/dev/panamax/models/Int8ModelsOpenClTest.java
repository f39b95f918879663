package dev.panamax.models;

/** The INT8 model checks on opencl:0 (skipped with the reason where OpenCL is missing). */
class Int8ModelsOpenClTest extends Int8ModelChecks {
    @Override
    String spec() {
        return "opencl:0";
    }
}
