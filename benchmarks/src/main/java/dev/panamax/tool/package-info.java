/**
 * The {@code panamax} command line: devices, bench (and the OpenBLAS peer process of its CPU GEMM
 * rows). It uses the core through its public API and the core test-jar's float64 reference
 * alone, and runs on a classpath without JMH, JOCL or JCuda (ToolDependenciesTest,
 * CliClasspathTest); the JMH harnesses live in {@code dev.panamax.jmh}.
 */
package dev.panamax.tool;
