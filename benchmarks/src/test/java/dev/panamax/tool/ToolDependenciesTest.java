package dev.panamax.tool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The command line ({@code dev.panamax.tool}) runs on a classpath without the dev harnesses'
 * libraries and uses the core through its public API alone: no class of it may name JMH, JOCL,
 * JCuda or the core's internal and backend packages. Checked on the compiled classes: every
 * string of each class file's constant pool (class names, descriptors, signatures, string
 * literals, in internal and dotted form). The core test-jar's float64 reference
 * ({@code dev.panamax.testing}, {@code dev.panamax.reference}) is allowed.
 */
class ToolDependenciesTest {
    static final List<String> FORBIDDEN = List.of(
            "org/openjdk/jmh/", "org/jocl/", "jcuda/",
            // the models' test references: ONNX Runtime and DJL stay off the command line
            "ai/onnxruntime/", "ai/djl/",
            "dev/panamax/internal/", "dev/panamax/cpu/", "dev/panamax/opencl/", "dev/panamax/cuda/");

    @Test
    void noClassOfTheCommandLineReferencesAHarnessLibraryOrACoreInternal() throws Exception {
        Path tool = classesDir().resolve("dev/panamax/tool");
        TreeMap<String, TreeSet<String>> offences = new TreeMap<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(tool)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                scanned++;
                for (String s : constantPoolStrings(Files.readAllBytes(f))) {
                    for (String bad : FORBIDDEN) {
                        if (s.contains(bad) || s.contains(bad.replace('/', '.'))) {
                            offences.computeIfAbsent(tool.relativize(f).toString(), k -> new TreeSet<>()).add(s);
                        }
                    }
                }
            }
        }
        assertTrue(scanned >= 20, "found only " + scanned + " classes under " + tool);
        if (!offences.isEmpty()) {
            StringBuilder s = new StringBuilder("dev.panamax.tool must use the core's public API and the JDK alone"
                    + " (forbidden: " + FORBIDDEN + "); found:\n");
            offences.forEach((cls, refs) -> s.append("  ").append(cls).append(": ").append(refs).append('\n'));
            fail(s.toString());
        }
    }

    /** Where the tool's classes were compiled to (target/classes). */
    static Path classesDir() throws URISyntaxException {
        Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(p.resolve("dev/panamax/tool")), "not a classes folder: " + p);
        return p;
    }

    /** The CONSTANT_Utf8 entries of a class file (JVMS 4.4), which every other kind of constant points into. */
    static List<String> constantPoolStrings(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF()); // u2 length + modified UTF-8, as DataInput reads it
                case 3, 4 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // takes two entries
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 15 -> in.skipNBytes(3);
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        return strings;
    }
}
