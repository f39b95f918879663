package dev.panamax.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs a main class of the test sources, for tests that need a process of their own. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * {@code java [jvmOptions] --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
     * -cp <this module's classes and test classes, and what the test JVM runs on> main args}.
     */
    public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", classpath(), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * This module's classes and test classes, and what the test JVM runs on (module path and class
     * path alike; module descriptors are ignored on a class path).
     */
    public static String classpath() {
        String base = System.getProperty("basedir", System.getProperty("user.dir"));
        List<String> entries = new ArrayList<>(List.of(Path.of(base, "target", "test-classes").toString(),
                Path.of(base, "target", "classes").toString()));
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.addAll(List.of(value.split(File.pathSeparator)));
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
