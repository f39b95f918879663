package dev.panamax.opencl;

import dev.panamax.conformance.ConformanceSuite;

/** The whole conformance suite on the first OpenCL device (PoCL's CPU device in CI). */
class OpenClConformanceTest extends ConformanceSuite {
    @Override
    protected String spec() {
        return "opencl:0";
    }
}
