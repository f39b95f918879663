package dev.panamax.internal;

import dev.panamax.testing.PackageClasses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kernel parameter struct, declared once in C and once in Java, pinned together for both GPU
 * languages: the structs of {@code kernels/cuda/params.cuh} against the {@link StructLayout}s of
 * {@code dev.panamax.cuda}, those of {@code kernels/opencl/params.h} against {@code dev.panamax.opencl}.
 * For each struct: the same set of structs on both sides (matched by name), the fields in the same
 * order with the same types, and the header's {@code PX_OFFSET} / {@code PX_SIZE} / {@code PX_ALIGN}
 * lines equal to the Java layout's offsets, size and alignment. The kernel compilers check those
 * lines against the real structs (nvcc and the emulator's C++ compiler with static_assert; an
 * OpenCL compiler built on clang, such as PoCL in CI, when it builds each program), so a struct
 * cannot drift on either side without a failure.
 */
class KernelStructTest {
    private static final Pattern STRUCT = Pattern.compile("typedef\\s+struct\\s+(\\w+)\\s*\\{([^}]*)}\\s*(\\w+)\\s*;");
    private static final Pattern MEMBER = Pattern.compile("^\\s*((?:\\w+\\s+)*\\w+)\\s+(\\w+)\\s*$");
    private static final Pattern OFFSET = Pattern.compile("PX_OFFSET\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*,\\s*(\\d+)\\s*\\)\\s*;");
    private static final Pattern SIZE = Pattern.compile("PX_SIZE\\(\\s*(\\w+)\\s*,\\s*(\\d+)\\s*\\)\\s*;");
    private static final Pattern ALIGN = Pattern.compile("PX_ALIGN\\(\\s*(\\w+)\\s*,\\s*(\\d+)\\s*\\)\\s*;");

    /** The C types a parameter struct may use, by the Java carrier that mirrors each. */
    private static final Map<String, Class<?>> C_TYPES = Map.of(
            "u64", long.class, "i64", long.class, "ulong", long.class, "long", long.class,
            "u32", int.class, "i32", int.class, "uint", int.class, "int", int.class,
            "float", float.class);

    @Test
    void cudaStructsMatchTheirJavaLayouts() throws Exception {
        check("cuda", Path.of("kernels", "cuda", "params.cuh"));
    }

    @Test
    void openClStructsMatchTheirJavaLayouts() throws Exception {
        check("opencl", Path.of("kernels", "opencl", "params.h"));
    }

    @Test
    void ofLaysOutLikeC() {
        // struct { int a; long long b; float c; } -> a@0, b@8, c@16, sizeof 24, alignment 8
        StructLayout s = KernelStruct.of("T", ValueLayout.JAVA_INT.withName("a"), ValueLayout.JAVA_LONG.withName("b"),
                ValueLayout.JAVA_FLOAT.withName("c"));
        assertEquals(0, offset(s, "a"));
        assertEquals(8, offset(s, "b"));
        assertEquals(16, offset(s, "c"));
        assertEquals(24, s.byteSize());
        assertEquals(8, s.byteAlignment());
        assertEquals("T", s.name().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> KernelStruct.of("U", ValueLayout.JAVA_INT));
    }

    /** A struct of the header: its fields in order (name to C type) and its pins. */
    private record CStruct(String name, LinkedHashMap<String, String> fields, Map<String, Long> offsets,
                           Long size, Long align) {
    }

    private static void check(String pkg, Path header) throws Exception {
        Map<String, CStruct> c = parseHeader(source(header));
        Map<String, StructLayout> java = javaLayouts(pkg);
        assertEquals(new TreeMap<>(c).keySet(), new TreeMap<>(java).keySet(),
                "structs of " + header + " vs StructLayouts of dev.panamax." + pkg);
        for (CStruct s : c.values()) {
            StructLayout j = java.get(s.name());
            String what = s.name() + " (" + header + " vs dev.panamax." + pkg + ")";
            List<String> javaFields = new ArrayList<>();
            for (MemoryLayout m : j.memberLayouts()) {
                if (!(m instanceof PaddingLayout)) {
                    javaFields.add(m.name().orElseThrow());
                }
            }
            assertEquals(new ArrayList<>(s.fields().keySet()), javaFields, what + ": fields in declaration order");
            assertEquals(s.fields().keySet(), s.offsets().keySet(), what + ": every field of the C struct needs its PX_OFFSET line");
            for (Map.Entry<String, String> f : s.fields().entrySet()) {
                Class<?> carrier = C_TYPES.get(f.getValue());
                assertTrue(carrier != null, what + ": field " + f.getKey() + " has C type '" + f.getValue()
                        + "'; parameter structs use " + C_TYPES.keySet());
                MemoryLayout m = j.select(MemoryLayout.PathElement.groupElement(f.getKey()));
                assertEquals(carrier, ((ValueLayout) m).carrier(), what + ": Java type of field " + f.getKey());
                assertEquals(s.offsets().get(f.getKey()), offset(j, f.getKey()), what + ": offset of " + f.getKey());
            }
            assertEquals(s.size(), j.byteSize(), what + ": PX_SIZE vs the Java layout's size");
            assertEquals(s.align(), j.byteAlignment(), what + ": PX_ALIGN vs the Java layout's alignment");
        }
    }

    private static long offset(StructLayout s, String field) {
        return s.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static Map<String, CStruct> parseHeader(String src) {
        Map<String, CStruct> structs = new LinkedHashMap<>();
        Matcher m = STRUCT.matcher(src);
        while (m.find()) {
            String name = m.group(1);
            assertEquals(name, m.group(3), "write 'typedef struct " + name + " { ... } " + name + ";'");
            LinkedHashMap<String, String> fields = new LinkedHashMap<>();
            for (String decl : m.group(2).split(";")) {
                if (decl.isBlank()) {
                    continue;
                }
                Matcher d = MEMBER.matcher(decl);
                if (!d.matches()) {
                    fail(name + ": cannot read the field declaration '" + decl.strip() + "' (one 'type name;' per field)");
                }
                if (fields.put(d.group(2), d.group(1).trim().replaceAll("\\s+", " ")) != null) {
                    fail(name + ": field " + d.group(2) + " declared twice");
                }
            }
            if (structs.put(name, new CStruct(name, fields, new LinkedHashMap<>(), null, null)) != null) {
                fail("struct " + name + " declared twice");
            }
        }
        m = OFFSET.matcher(src);
        while (m.find()) {
            CStruct s = pinned(structs, m.group(1));
            assertTrue(s.fields().containsKey(m.group(2)), "PX_OFFSET of " + m.group(1) + "." + m.group(2)
                    + ": the struct has no such field");
            s.offsets().put(m.group(2), Long.parseLong(m.group(3)));
        }
        Map<String, Long> sizes = pins(SIZE, src, structs);
        Map<String, Long> aligns = pins(ALIGN, src, structs);
        Map<String, CStruct> out = new LinkedHashMap<>();
        for (CStruct s : structs.values()) {
            assertTrue(sizes.containsKey(s.name()), s.name() + " has no PX_SIZE line");
            assertTrue(aligns.containsKey(s.name()), s.name() + " has no PX_ALIGN line");
            out.put(s.name(), new CStruct(s.name(), s.fields(), s.offsets(), sizes.get(s.name()), aligns.get(s.name())));
        }
        return out;
    }

    private static Map<String, Long> pins(Pattern p, String src, Map<String, CStruct> structs) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = p.matcher(src);
        while (m.find()) {
            pinned(structs, m.group(1));
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    private static CStruct pinned(Map<String, CStruct> structs, String name) {
        CStruct s = structs.get(name);
        assertTrue(s != null, "a PX line pins " + name + ", which the header does not declare");
        return s;
    }

    /** The header's text without comments, from the module directory (Maven's working directory) or the root. */
    private static String source(Path header) throws IOException {
        for (Path p : List.of(Path.of("..").resolve(header), header)) {
            if (Files.isRegularFile(p)) {
                return Files.readString(p).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", "");
            }
        }
        throw new AssertionError(header + " not found from " + Path.of("").toAbsolutePath());
    }

    /** Every static StructLayout field of the compiled classes of dev.panamax.{pkg}, by layout name. */
    private static Map<String, StructLayout> javaLayouts(String pkg) throws ReflectiveOperationException {
        Map<String, StructLayout> layouts = new LinkedHashMap<>();
        for (Class<?> type : PackageClasses.of(pkg)) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == StructLayout.class) {
                    field.setAccessible(true);
                    StructLayout layout = (StructLayout) field.get(null);
                    String struct = layout.name().orElseThrow(() -> new AssertionError(type.getName() + "."
                            + field.getName() + " has no name: make it with KernelStruct.of"));
                    StructLayout previous = layouts.put(struct, layout);
                    assertTrue(previous == null || previous == layout, struct + " has two Java layouts in dev.panamax." + pkg);
                }
            }
        }
        return layouts;
    }
}
