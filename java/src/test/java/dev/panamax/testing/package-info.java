/**
 * Test support shared by every backend's suite and by {@code panamax bench}: seeded inputs
 * ({@code Data}), the tolerance table, assertions that print the seed, and how a test opens its
 * device (skip with the reason, or fail when {@code panamax.require} names the backend). Tensors
 * these helpers make belong to the caller, who closes them.
 */
package dev.panamax.testing;
