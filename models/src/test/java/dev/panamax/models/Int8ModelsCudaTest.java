package dev.panamax.models;

/**
 * The INT8 model checks on a real cuda:0 (skipped with the reason where there is no CUDA driver or
 * GPU, unless panamax.require names cuda).
 */
class Int8ModelsCudaTest extends Int8ModelChecks {
    @Override
    String spec() {
        return "cuda:0";
    }
}
