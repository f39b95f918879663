/**
 * The float64 oracle of every op ({@link dev.panamax.reference.Reference64}): plain loops summing
 * in double, for clarity, with per-element forms so that large results can be checked on a sample.
 * Works on Java arrays only; it never touches a device.
 */
package dev.panamax.reference;
