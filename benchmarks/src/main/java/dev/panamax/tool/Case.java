package dev.panamax.tool;

import dev.panamax.DType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One benchmark case: an op of {@link Catalog}, its input dtype, its output dtype (the c of a
 * GEMM, the target of a conversion; the input dtype otherwise) and its named dimensions in
 * display order, e.g. {@code gemm BF16 M=8192 N=8192 K=8192}.
 */
record Case(String op, DType dtype, DType out, Map<String, Long> dims) {

    Case {
        dims = Collections.unmodifiableMap(new LinkedHashMap<>(dims));
    }

    /** {@code of("gemm", F32, F32, "M", 512, "N", 512, "K", 512)}: alternating names and values. */
    static Case of(String op, DType dtype, DType out, Object... namesAndValues) {
        Map<String, Long> dims = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            dims.put((String) namesAndValues[i], ((Number) namesAndValues[i + 1]).longValue());
        }
        return new Case(op, dtype, out, dims);
    }

    long dim(String name) {
        Long v = dims.get(name);
        if (v == null) {
            throw new IllegalStateException(op + ": case has no dimension " + name + ": " + shape());
        }
        return v;
    }

    long dim(String name, long fallback) {
        return dims.getOrDefault(name, fallback);
    }

    int intDim(String name) {
        return Math.toIntExact(dim(name));
    }

    /** "M=512 N=512 K=512". */
    String shape() {
        StringJoiner j = new StringJoiner(" ");
        dims.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** "BF16", or "F32>BF16" when the output dtype differs from the input's. */
    String types() {
        return dtype == out ? dtype.toString() : dtype + ">" + out;
    }

    /** The key that joins our results with a peer's: "gemm BF16 M=8192 N=8192 K=8192". */
    String id() {
        return op + " " + types() + " " + shape();
    }
}
