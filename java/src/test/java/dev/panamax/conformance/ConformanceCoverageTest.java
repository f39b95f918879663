package dev.panamax.conformance;

import dev.panamax.Ops;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The op checklist of CONTRIBUTING.md, conformance half: every public op of {@link Ops} has a
 * conformance group (a nested class of {@link ConformanceSuite} whose class says {@link Covers} it),
 * and every group calls the ops it claims, in its own source or in a {@code *Spec} helper its
 * source names. The bench half is {@code BenchCoverageTest} of the benchmarks module.
 */
class ConformanceCoverageTest {
    private static final Pattern SPEC = Pattern.compile("\\b(\\w+Spec)\\b");

    @Test
    void everyPublicOpHasAConformanceGroup() throws IOException {
        Map<String, String> claimed = claims();
        List<String> missing = missing(publicOps(), claimed.keySet());
        assertTrue(missing.isEmpty(), "public ops of Ops without a conformance group: " + missing
                + " (groups: " + claimed + "); add a group to ConformanceSuite whose class is @Covers(...) the op,"
                + " as CONTRIBUTING.md describes");
    }

    @Test
    void theCheckNamesWhatIsMissing() {
        assertEquals(List.of("layerNorm"), missing(new TreeSet<>(Set.of("gemm", "layerNorm")), Set.of("gemm", "softmax")));
        assertEquals(List.of(), missing(new TreeSet<>(Set.of("gemm")), Set.of("gemm")));
    }

    /** The ops of {@code ops} that no group claims, sorted. */
    static List<String> missing(Set<String> ops, Set<String> claimed) {
        List<String> out = new ArrayList<>();
        for (String op : new TreeSet<>(ops)) {
            if (!claimed.contains(op)) {
                out.add(op);
            }
        }
        return out;
    }

    static Set<String> publicOps() {
        Set<String> ops = new TreeSet<>();
        for (Method m : Ops.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
                ops.add(m.getName());
            }
        }
        return ops;
    }

    /** Op name to the group that claims it, each claim checked against the group's sources. */
    private static Map<String, String> claims() throws IOException {
        Map<String, String> claimed = new TreeMap<>();
        for (Class<?> nested : ConformanceSuite.class.getDeclaredClasses()) {
            if (!nested.isAnnotationPresent(Nested.class)) {
                continue;
            }
            Class<?> group = nested.getSuperclass();
            Covers covers = group.getAnnotation(Covers.class);
            if (covers == null) {
                continue;
            }
            String source = groupSource(group.getSimpleName());
            for (String op : covers.value()) {
                assertTrue(source.contains("Ops." + op + "("), group.getSimpleName() + " claims " + op
                        + " but neither it nor a Spec it names calls Ops." + op);
                claimed.put(op, group.getSimpleName());
            }
        }
        return claimed;
    }

    /** The source of a group class and of every {@code *Spec} class it names. */
    private static String groupSource(String name) throws IOException {
        String text = read(name);
        StringBuilder all = new StringBuilder(text);
        Matcher m = SPEC.matcher(text);
        Set<String> specs = new TreeSet<>();
        while (m.find()) {
            specs.add(m.group(1));
        }
        for (String spec : specs) {
            if (Files.isRegularFile(dir().resolve(spec + ".java"))) {
                all.append(read(spec));
            }
        }
        return all.toString();
    }

    private static String read(String className) throws IOException {
        return Files.readString(dir().resolve(className + ".java"));
    }

    private static Path dir() {
        return Path.of("src", "test", "java", "dev", "panamax", "conformance");
    }
}
