package dev.panamax.tool;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's classpath ({@code benchmarks/target/classpath.txt}, written by the build; the
 * GPU bundle's lib/ is made from it) holds the panamax jars alone, and protobuf-java (the models
 * module reads ONNX graphs with it), and the command line runs on it: no JMH, JOCL, JCuda or what
 * they pull in, and not the models' test references (ONNX Runtime, DJL's tokenizers).
 */
class CliClasspathTest {

    private static List<String> entries() throws Exception {
        Path file = ToolDependenciesTest.classesDir().getParent().resolve("classpath.txt");
        assertTrue(Files.isRegularFile(file), file + " is written by the build (maven-dependency-plugin, cli-classpath)");
        String line = Files.readString(file).strip();
        return line.isEmpty() ? List.of() : List.of(line.split(File.pathSeparator));
    }

    @Test
    void holdsThePanamaxJarsAlone() throws Exception {
        List<String> others = new ArrayList<>();
        for (String e : entries()) {
            Path p = Path.of(e);
            String name = p.getFileName().toString();
            boolean ours = name.startsWith("panamax-") && name.endsWith(".jar")
                    || p.endsWith(Path.of("target", "classes")) || p.endsWith(Path.of("target", "test-classes"));
            boolean allowed = name.startsWith("protobuf-java-") && name.endsWith(".jar");
            if (!ours && !allowed) {
                others.add(e);
            }
        }
        assertEquals(List.of(), others, "the command line's classpath must hold no third-party jar"
                + " (exclude it in benchmarks/pom.xml, execution cli-classpath)");
    }

    @Test
    void holdsTheModelsButNotTheirTestReferences() throws Exception {
        List<String> entries = entries();
        assertTrue(entries.stream().anyMatch(e -> e.contains("panamax-models") || e.endsWith(Path.of("models", "target", "classes").toString())),
                "the models module (panamax embed) is on the command line's classpath: " + entries);
        for (String e : entries) {
            assertTrue(!e.contains("onnxruntime") && !e.contains("tokenizers") && !e.contains("langchain4j"),
                    "ONNX Runtime, DJL and the model jar are test dependencies of the models, not the CLI's: " + e);
        }
    }

    @Test
    void devicesRunsOnIt() throws Exception {
        String cp = ToolDependenciesTest.classesDir() + File.pathSeparator + String.join(File.pathSeparator, entries());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", cp, Main.class.getName(), "devices");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("cpu: ") && out.contains("opencl") && out.contains("cuda"), out);
        assertTrue(!out.contains("NoClassDefFoundError") && !out.contains("ClassNotFoundException"), out);
    }
}
