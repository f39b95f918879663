package dev.panamax.internal;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel parameter structs as FFM layouts. A kernel takes its scalars as one C struct passed by
 * value (CUDA: the kernel's one parameter; OpenCL: one argument after the buffers); each struct is
 * declared once in C, in the parameter header of its kernel language ({@code kernels/cuda/params.cuh},
 * {@code kernels/opencl/params.h}), and once in Java, as the {@link StructLayout} that
 * {@link #of} makes, named as the C struct. {@code KernelStructTest} pins the two together: field
 * names in order, offsets, size and alignment, against the header's {@code PX_OFFSET},
 * {@code PX_SIZE} and {@code PX_ALIGN} lines, which the kernel compilers check against the real
 * structs.
 *
 * <p>A launch writes the fields straight into its launch buffer through the handles of
 * {@link #field}: {@code M.set(params, 0L, m)}.
 */
public final class KernelStruct {
    private KernelStruct() {
    }

    /**
     * The struct {@code name} with {@code fields} (each named) in declaration order, laid out as a C
     * compiler lays out a plain struct: each field at its natural alignment, the size rounded up to
     * the largest alignment. Padding is inserted where C would put it.
     */
    public static StructLayout of(String name, MemoryLayout... fields) {
        List<MemoryLayout> members = new ArrayList<>(fields.length + 2);
        long at = 0;
        long align = 1;
        for (MemoryLayout f : fields) {
            if (f.name().isEmpty()) {
                throw new IllegalArgumentException(name + ": every field needs a name, got " + f);
            }
            long a = f.byteAlignment();
            if (at % a != 0) {
                members.add(MemoryLayout.paddingLayout(a - at % a));
                at += a - at % a;
            }
            members.add(f);
            at += f.byteSize();
            align = Math.max(align, a);
        }
        if (at % align != 0) {
            members.add(MemoryLayout.paddingLayout(align - at % align));
        }
        return MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new)).withName(name);
    }

    /** The handle of field {@code name}: coordinates (MemorySegment struct, long offset of the struct in it). */
    public static VarHandle field(StructLayout struct, String name) {
        return struct.varHandle(MemoryLayout.PathElement.groupElement(name));
    }
}
