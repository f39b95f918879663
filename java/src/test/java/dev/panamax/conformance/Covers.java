package dev.panamax.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The public ops of {@code dev.panamax.Ops} (by method name) whose results a conformance group
 * checks against the float64 reference. {@link ConformanceCoverageTest} fails when an op of {@code Ops} is
 * claimed by no group of {@link ConformanceSuite}, or when a group claims an op it never calls.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Covers {
    String[] value();
}
