package dev.panamax.opencl;

import dev.panamax.DeviceUnavailableException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packed OpenCL C sources (resources under {@code dev/panamax/opencl/kernels/}, copied from
 * {@code kernels/opencl/} by the build). A source's {@code #include "name.h"} lines are replaced
 * by the header's text, once per source, since a program built from a string has no include path.
 */
final class ClSources {
    private static final String ROOT = "/dev/panamax/opencl/kernels/";
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#\\s*include\\s+\"([^\"]+)\"\\s*$");
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private ClSources() {
    }

    /** The source of {@code file} (e.g. {@code gemm.cl}) with its includes expanded. */
    static String load(String file) {
        return CACHE.computeIfAbsent(file, f -> expand(f, new HashSet<>()));
    }

    private static String expand(String file, Set<String> included) {
        included.add(file);
        String text = read(file);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String header = m.group(1);
            String replacement = included.contains(header) ? "" : expand(header, included);
            m.appendReplacement(out, Matcher.quoteReplacement("// " + header + "\n" + replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String read(String file) {
        try (InputStream in = ClSources.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new DeviceUnavailableException("opencl: kernel source " + file + " is missing from the Panamax jar"
                        + " (expected resource " + ROOT + file + "; the build packs kernels/opencl)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeviceUnavailableException("opencl: cannot read kernel source " + file + ": " + e.getMessage(), e);
        }
    }
}
