package dev.panamax.opencl;

import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one kernel launch, in order, held in a confined arena that the launch closes:
 * buffers, a parameter struct (laid out as OpenCL C lays out a struct of the same fields, natural
 * alignment), scalars, and sizes of {@code __local} buffers.
 */
final class ClArgs implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<Long> sizes = new ArrayList<>();
    private final List<MemorySegment> values = new ArrayList<>();

    /** A buffer; null (an empty tensor, which the kernel never reads) passes a NULL cl_mem, as OpenCL allows. */
    ClArgs buffer(Memory memory) {
        MemorySegment value = arena.allocate(ValueLayout.ADDRESS);
        value.set(ValueLayout.ADDRESS, 0, memory == null ? MemorySegment.NULL : ClMemory.handle(memory));
        return add(ValueLayout.ADDRESS.byteSize(), value);
    }

    /** A {@code __local} buffer of {@code bytes} bytes. */
    ClArgs local(long bytes) {
        return add(bytes, MemorySegment.NULL);
    }

    ClArgs u64(long v) {
        return add(8, arena.allocateFrom(ValueLayout.JAVA_LONG, v));
    }

    /** Starts a struct argument; {@link Struct#end()} adds it. */
    Struct struct() {
        return new Struct();
    }

    private ClArgs add(long size, MemorySegment value) {
        sizes.add(size);
        values.add(value);
        return this;
    }

    int count() {
        return sizes.size();
    }

    long size(int i) {
        return sizes.get(i);
    }

    MemorySegment value(int i) {
        return values.get(i);
    }

    Arena arena() {
        return arena;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Fields appended in declaration order: 8-byte fields first keeps the layout obvious. */
    final class Struct {
        private final MemorySegment data = arena.allocate(128, 8);
        private long at;
        private long align = 1;

        Struct u64(long v) {
            at = place(8);
            data.set(ValueLayout.JAVA_LONG, at, v);
            at += 8;
            return this;
        }

        Struct u32(int v) {
            at = place(4);
            data.set(ValueLayout.JAVA_INT, at, v);
            at += 4;
            return this;
        }

        Struct f32(float v) {
            at = place(4);
            data.set(ValueLayout.JAVA_FLOAT, at, v);
            at += 4;
            return this;
        }

        private long place(long size) {
            align = Math.max(align, size);
            return (at + size - 1) / size * size;
        }

        ClArgs end() {
            long size = (at + align - 1) / align * align;
            return add(size, data.asSlice(0, size));
        }
    }
}
