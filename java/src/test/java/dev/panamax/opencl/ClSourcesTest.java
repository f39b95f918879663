package dev.panamax.opencl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Each packed program's source, as built: every {@code #include} expanded, each header's text in
 * it once (common.h is also included by row_stats.h), and the parameter structs only from params.h.
 */
class ClSourcesTest {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#\\s*include\\b");

    @ParameterizedTest
    @ValueSource(strings = {"gemm.cl", "softmax.cl", "attention.cl", "topk.cl", "convert.cl", "gather.cl", "rope.cl", "elementwise.cl", "norm.cl"})
    void everyHeaderIsExpandedOncePerProgram(String file) {
        String source = ClSources.load(file);
        assertFalse(INCLUDE.matcher(source).find(), file + " still has an #include after expansion");
        assertEquals(1, count(source, "#define PANAMAX_COMMON_H"), file + ": common.h");
        boolean takesParams = !file.equals("convert.cl"); // convert's one scalar is a plain ulong
        assertEquals(takesParams ? 1 : 0, count(source, "#define PANAMAX_PARAMS_H"), file + ": params.h");
        boolean rowStats = file.equals("softmax.cl") || file.equals("topk.cl");
        assertEquals(rowStats ? 1 : 0, count(source, "#define PANAMAX_ROW_STATS_H"), file + ": row_stats.h");
        int paramsStructs = count(ClSources.load("params.h"), "typedef struct ");
        assertEquals((takesParams ? paramsStructs : 0) + (rowStats ? 1 : 0), count(source, "typedef struct "),
                file + ": the " + paramsStructs + " structs of params.h (and row_stats.h's row_stats), none declared in the program");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }
}
