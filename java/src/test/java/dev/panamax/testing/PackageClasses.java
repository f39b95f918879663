package dev.panamax.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The compiled classes of one package of the core (not initialized), for tests that check a rule
 * over every class of a backend, such as "every parameter layout has its C struct" or "every kernel
 * a family launches is defined", without a list that a new op family must remember to join.
 */
public final class PackageClasses {
    private PackageClasses() {
    }

    /** The top-level and nested classes of {@code dev.panamax.<pkg>} of the main classes, by name. */
    public static List<Class<?>> of(String pkg) {
        try {
            Path classes = Path.of(dev.panamax.Ops.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = classes.resolve(Path.of("dev", "panamax", pkg));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            }
            List<Class<?>> out = new ArrayList<>();
            for (Path f : files) {
                String name = "dev.panamax." + pkg + "." + f.getFileName().toString().replace(".class", "");
                out.add(Class.forName(name, false, PackageClasses.class.getClassLoader()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * For every class of {@code dev.panamax.<pkg>} that declares a static no-argument method
     * {@code method}, its simple name and what the method returns (the class is initialized).
     */
    public static Map<String, Object> call(String pkg, String method) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Class<?> c : of(pkg)) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == 0 && Modifier.isStatic(m.getModifiers())) {
                    try {
                        m.setAccessible(true);
                        out.put(c.getSimpleName(), m.invoke(null));
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(c.getName() + "." + method + "(): " + e, e);
                    }
                }
            }
        }
        return out;
    }
}
