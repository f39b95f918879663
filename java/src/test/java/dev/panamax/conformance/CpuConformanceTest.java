package dev.panamax.conformance;

/** The conformance suite on the CPU backend. */
class CpuConformanceTest extends ConformanceSuite {
    @Override
    protected String spec() {
        return "cpu";
    }
}
