package dev.panamax.cuda;

import dev.panamax.conformance.ConformanceSuite;

/** The conformance suite on the first CUDA GPU (skipped without one, unless panamax.require names cuda). */
class CudaConformanceTest extends ConformanceSuite {
    @Override
    protected String spec() {
        return "cuda:0";
    }
}
