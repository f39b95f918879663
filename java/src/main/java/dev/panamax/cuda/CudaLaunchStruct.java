package dev.panamax.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The C layout of one kernel parameter struct (passed by value, see {@link CudaLauncher}): fields
 * appended in declaration order with natural alignment, the size rounded up to the largest
 * alignment, as nvcc lays out a plain struct. Each layout mirrors a struct in {@code kernels/cuda},
 * whose {@code PX_OFFSET} / {@code PX_SIZE} lines pin the same numbers on the C side;
 * {@code CudaKernelsLayoutTest} compares the two.
 *
 * <p>Immutable and thread-safe; {@link #pack} makes a {@link Packer} that fills one struct's bytes.
 */
final class CudaLaunchStruct {
    /** Field types: device pointers travel as 64-bit {@code unsigned long long}. */
    enum Kind {
        PTR(8), I64(8), I32(4), F32(4);

        final int size;

        Kind(int size) {
            this.size = size;
        }
    }

    private record Field(Kind kind, int offset) {
    }

    private final String cName;
    private final Map<String, Field> fields;
    private final int size;

    private CudaLaunchStruct(String cName, Map<String, Field> fields, int size) {
        this.cName = cName;
        this.fields = Collections.unmodifiableMap(fields);
        this.size = size;
    }

    static Builder named(String cName) {
        return new Builder(cName);
    }

    /** The C struct's name, e.g. {@code GemmParams}. */
    String cName() {
        return cName;
    }

    /** sizeof the struct. */
    int size() {
        return size;
    }

    /** Field name to byte offset, in declaration order. */
    Map<String, Integer> offsets() {
        Map<String, Integer> out = new LinkedHashMap<>();
        fields.forEach((name, f) -> out.put(name, f.offset()));
        return out;
    }

    /** A packer writing into a fresh zeroed segment of {@code arena}. */
    Packer pack(Arena arena) {
        return new Packer(arena.allocate(size, 8));
    }

    /** Fills one struct; {@link #segment()} refuses to hand out bytes with a field left unset. */
    final class Packer {
        private final MemorySegment segment;
        private final java.util.Set<String> unset;

        private Packer(MemorySegment segment) {
            this.segment = segment;
            this.unset = new java.util.HashSet<>(fields.keySet());
        }

        Packer ptr(String name, long address) {
            segment.set(ValueLayout.JAVA_LONG, field(name, Kind.PTR), address);
            return this;
        }

        Packer i64(String name, long value) {
            segment.set(ValueLayout.JAVA_LONG, field(name, Kind.I64), value);
            return this;
        }

        Packer i32(String name, int value) {
            segment.set(ValueLayout.JAVA_INT, field(name, Kind.I32), value);
            return this;
        }

        Packer i32(String name, boolean value) {
            return i32(name, value ? 1 : 0);
        }

        Packer f32(String name, float value) {
            segment.set(ValueLayout.JAVA_FLOAT, field(name, Kind.F32), value);
            return this;
        }

        /** The struct's bytes, once every field has been written. */
        MemorySegment segment() {
            if (!unset.isEmpty()) {
                throw new IllegalStateException(cName + ": fields not set: " + unset);
            }
            return segment;
        }

        private long field(String name, Kind kind) {
            Field f = fields.get(name);
            if (f == null || f.kind() != kind) {
                throw new IllegalArgumentException(cName + " has no " + kind + " field " + name);
            }
            unset.remove(name);
            return f.offset();
        }
    }

    /** Appends fields in C declaration order. */
    static final class Builder {
        private final String cName;
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private int end;
        private int align = 1;

        private Builder(String cName) {
            this.cName = cName;
        }

        Builder ptr(String... names) {
            return add(Kind.PTR, names);
        }

        Builder i64(String... names) {
            return add(Kind.I64, names);
        }

        Builder i32(String... names) {
            return add(Kind.I32, names);
        }

        Builder f32(String... names) {
            return add(Kind.F32, names);
        }

        private Builder add(Kind kind, String... names) {
            for (String name : names) {
                int offset = alignUp(end, kind.size);
                if (fields.put(name, new Field(kind, offset)) != null) {
                    throw new IllegalArgumentException(cName + ": field " + name + " declared twice");
                }
                end = offset + kind.size;
                align = Math.max(align, kind.size);
            }
            return this;
        }

        CudaLaunchStruct build() {
            return new CudaLaunchStruct(cName, new LinkedHashMap<>(fields), alignUp(end, align));
        }

        private static int alignUp(int value, int alignment) {
            return (value + alignment - 1) / alignment * alignment;
        }
    }
}
