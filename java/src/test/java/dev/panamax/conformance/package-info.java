/**
 * The conformance suite every backend passes. {@link dev.panamax.conformance.ConformanceSuite} is
 * abstract; a backend adds a thin subclass naming its spec (see {@code CpuConformanceTest}). Each
 * group of cases ({@code GemmCases}, {@code SoftmaxCases}, ...) is a nested class of the suite and
 * reaches the device only through {@code device()}, so nothing here assumes a backend. Every
 * check is against {@link dev.panamax.reference.Reference64} with the tolerances of
 * {@link dev.panamax.testing.Tolerances}; every random input comes from a
 * {@link dev.panamax.testing.Data} whose seed the failure message prints. Each test closes every
 * tensor it makes; the suite checks that after each test.
 */
package dev.panamax.conformance;
