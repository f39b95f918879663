package dev.panamax.internal;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * The one implementation of {@link Tensor}: a dtype, a shape, and bytes of an {@link Allocation}
 * on a backend device: all of them, or, for a view ({@link #reshape}, {@link #slice}), the
 * {@link #byteSize()} bytes from {@link #byteOffset()} on.
 *
 * <p>Each tensor, view or not, holds its own {@link Allocation.Ref}: closing it ({@link #close()},
 * its device handle's close, or the cleaner once the tensor is unreachable, whichever comes first)
 * closes only that tensor, and the allocation's memory is freed when every tensor on it is closed.
 * A view holds no reference to the tensor it was made from, so that one may be closed or
 * collected while the view lives on.
 */
public final class TensorImpl implements Tensor {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "panamax-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final DeviceHandle device;
    private final DType dtype;
    private final long[] shape;
    private final long size;
    private final Allocation allocation;
    private final long byteOffset;
    private final Memory memory;             // this tensor's bytes; null when it has none
    private final Allocation.Ref ref;
    private final Cleaner.Cleanable cleanable;

    private TensorImpl(DeviceHandle device, DType dtype, long[] shape, long size, Allocation allocation, long byteOffset,
                       Memory memory, Allocation.Ref ref) {
        this.device = device;
        this.dtype = dtype;
        this.shape = shape;
        this.size = size;
        this.allocation = allocation;
        this.byteOffset = byteOffset;
        this.memory = memory;
        this.ref = ref;
        this.cleanable = CLEANER.register(this, ref);
    }

    /** A new tensor with unspecified contents; {@code shape} already checked. */
    static TensorImpl allocate(DeviceHandle device, DType dtype, long[] shape, long size) {
        long bytes = size * dtype.byteSize(); // no overflow: allocateTensor checked it
        Allocation a = Allocation.allocate(device.backendDevice(), bytes, device.openAllocations());
        Allocation.Ref ref = a.firstRef();
        if (device.isClosed()) {
            // The handle closed while this allocation joined its set (an op racing with close):
            // close() may have missed it, so free it here rather than hand out a live tensor.
            ref.run();
            throw new IllegalStateException("device " + device.spec() + " is closed");
        }
        return new TensorImpl(device, dtype, shape.clone(), size, a, 0, a.memory(), ref);
    }

    /** A view of {@code shape} (checked, of {@code size} elements) on this tensor's bytes from {@code offset} on. */
    private TensorImpl view(String op, long[] viewShape, long viewSize, long offset) {
        Allocation.Ref viewRef = allocation.viewRef(ref, op + ": tensor");
        long bytes = viewSize * dtype.byteSize();
        Memory base = allocation.memory();
        Memory m;
        if (bytes == 0) {
            m = null;
        } else if (offset == 0 && bytes == base.byteSize()) {
            m = base;
        } else if (offset == byteOffset && bytes == byteSize()) {
            m = memory;
        } else {
            m = backendDevice().view(base, offset, bytes);
        }
        return new TensorImpl(device, dtype, viewShape, viewSize, allocation, offset, m, viewRef);
    }

    /** The device handle that made this tensor and owns it. */
    DeviceHandle handle() {
        return device;
    }

    /**
     * The tensor behind {@code t}, for an op: not null, made by Panamax.
     *
     * @param what the op and argument name, e.g. {@code "gemm: a"}
     */
    public static TensorImpl of(Tensor t, String what) {
        if (t == null) {
            throw new NullPointerException(what + " is null");
        }
        if (t instanceof TensorImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException(what + " is not a Panamax tensor: " + t.getClass().getName());
    }

    public Allocation allocation() {
        return allocation;
    }

    /** This tensor's bytes (a view's, for a view); use only under a lease. Null for an empty tensor. */
    public Memory memory() {
        return memory;
    }

    /** Leases this tensor's allocation for one call ({@link Leases}). */
    void acquire(String what) {
        allocation.acquire(ref, what);
    }

    public BackendDevice backendDevice() {
        return device.backendDevice();
    }

    /** The shape without copying; callers must not modify it. */
    public long[] shapeView() {
        return shape;
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public long byteSize() {
        return size * dtype.byteSize();
    }

    /** Where this tensor's bytes start in its allocation (0 for a tensor that is not a view). */
    public long byteOffset() {
        return byteOffset;
    }

    /** Whether this tensor and {@code other} are the same bytes of one allocation (the same tensor, or a view of exactly it). */
    public boolean sameBytes(TensorImpl other) {
        return allocation() == other.allocation() && byteOffset() == other.byteOffset() && byteSize() == other.byteSize();
    }

    /** Whether this tensor and {@code other} share at least one byte of memory. */
    public boolean overlaps(TensorImpl other) {
        return allocation() == other.allocation() && byteSize() > 0 && other.byteSize() > 0
                && byteOffset() < other.byteOffset() + other.byteSize() && other.byteOffset() < byteOffset() + byteSize();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public float[] toFloatArray() {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("toFloatArray: tensor is " + dtype + "; F32, F16 or BF16 expected"
                    + (dtype == DType.I32 ? " (use toIntArray)" : ""));
        }
        checkArraySize("toFloatArray");
        try (Leases l = new Leases().add(this, "toFloatArray: tensor"); Arena arena = Arena.ofConfined()) {
            float[] out = new float[(int) size];
            if (size == 0) {
                return out;
            }
            MemorySegment host = arena.allocate(byteSize(), 16);
            backendDevice().copyOut(memory(), host, byteSize());
            switch (dtype) {
                case F32 -> MemorySegment.copy(host, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, out, 0, out.length);
                case F16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(host.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Half.bf16ToFloat(host.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
                    }
                }
                default -> throw new AssertionError(dtype);
            }
            return out;
        }
    }

    @Override
    public int[] toIntArray() {
        if (dtype != DType.I32) {
            throw new IllegalArgumentException("toIntArray: tensor is " + dtype + "; I32 expected"
                    + (dtype.isFloatingPoint() ? " (use toFloatArray)" : ""));
        }
        checkArraySize("toIntArray");
        try (Leases l = new Leases().add(this, "toIntArray: tensor")) {
            int[] out = new int[(int) size];
            if (size > 0) {
                Staging.copyOut(backendDevice(), memory(), MemorySegment.ofArray(out), byteSize());
            }
            return out;
        }
    }

    private void checkArraySize(String op) {
        if (size > MAX_ARRAY) {
            throw new IllegalArgumentException(op + ": tensor " + Shapes.format(shape) + " has " + size
                    + " elements, more than a Java array holds; use copyTo(MemorySegment)");
        }
    }

    @Override
    public void copyTo(MemorySegment host) {
        Objects.requireNonNull(host, "copyTo: host is null");
        checkHost("copyTo", host);
        if (host.isReadOnly()) {
            throw new IllegalArgumentException("copyTo: host segment is read-only");
        }
        try (Leases l = new Leases().add(this, "copyTo: tensor")) {
            if (size > 0) {
                Staging.copyOut(backendDevice(), memory(), host, byteSize());
            }
        }
    }

    @Override
    public void copyFrom(MemorySegment host) {
        Objects.requireNonNull(host, "copyFrom: host is null");
        checkHost("copyFrom", host);
        try (Leases l = new Leases().add(this, "copyFrom: tensor")) {
            if (size > 0) {
                Staging.copyIn(backendDevice(), host, memory(), byteSize());
            }
        }
    }

    private void checkHost(String op, MemorySegment host) {
        Staging.checkAccessible(op, host);
        if (host.byteSize() < byteSize()) {
            throw new IllegalArgumentException(op + ": host segment has " + host.byteSize() + " bytes, the tensor "
                    + Shapes.format(shape) + " of " + dtype + " needs " + byteSize());
        }
    }

    @Override
    public Tensor to(Device target) {
        Objects.requireNonNull(target, "to: device is null");
        if (!(target instanceof DeviceHandle handle)) {
            throw new IllegalArgumentException("to: not a Panamax device: " + target.getClass().getName());
        }
        try (Leases l = new Leases().add(this, "to: tensor"); Outputs o = new Outputs(handle, "to")) {
            TensorImpl out = o.add("result", dtype, shape);
            if (size > 0) {
                Staging.transfer(backendDevice(), memory(), out.backendDevice(), out.memory(), byteSize());
            }
            return o.keep(out);
        }
    }

    @Override
    public Tensor to(DType target) {
        Objects.requireNonNull(target, "to: dtype is null");
        if (!dtype.isFloatingPoint() || !target.isFloatingPoint()) {
            if (dtype != target) {
                throw new IllegalArgumentException("to: cannot convert " + dtype + " to " + target
                        + "; conversions are among F32, F16 and BF16");
            }
        }
        try (Leases l = new Leases().add(this, "to: tensor"); Outputs o = new Outputs(this, "to")) {
            TensorImpl out = o.add("result", target, shape);
            if (size > 0 && dtype == target) {
                backendDevice().copy(memory(), out.memory(), byteSize());
            } else if (size > 0) {
                backendDevice().kernels().convert(memory(), dtype, out.memory(), target, size);
            }
            return o.keep(out);
        }
    }

    @Override
    public Tensor reshape(long... newShape) {
        if (newShape == null) {
            throw new NullPointerException("reshape: shape is null");
        }
        long[] resolved = newShape.clone();
        int inferred = -1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1 && inferred >= 0) {
                throw new IllegalArgumentException("reshape: at most one dimension may be -1, got " + Shapes.format(newShape));
            }
            inferred = resolved[i] == -1 ? i : inferred;
        }
        if (inferred >= 0) {
            resolved[inferred] = 1;
            long known = Shapes.checkedSize("reshape", resolved); // rank, negative dimensions, overflow
            if (known == 0) {
                throw new IllegalArgumentException("reshape: -1 is ambiguous beside a dimension of 0, got "
                        + Shapes.format(newShape) + " for tensor " + Shapes.format(shape));
            }
            if (size % known == 0) {
                resolved[inferred] = size / known; // else it stays 1, and the size check below fails
            }
        }
        long newSize = Shapes.checkedSize("reshape", resolved);
        if (newSize != size) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.format(newShape) + " does not hold the "
                    + size + " elements of tensor " + Shapes.format(shape));
        }
        return view("reshape", resolved, size, byteOffset);
    }

    @Override
    public Tensor slice(long start, long end) {
        long rows = shape[0];
        if (start < 0 || start > end || end > rows) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is not a range of the first dimension"
                    + " of tensor " + Shapes.format(shape) + " (0 <= start <= end <= " + rows + ")");
        }
        long rowElements = Shapes.product(shape, 1, shape.length);
        long[] viewShape = shape.clone();
        viewShape[0] = end - start;
        return view("slice", viewShape, (end - start) * rowElements, byteOffset + start * rowElements * dtype.byteSize());
    }

    @Override
    public void copyFrom(Tensor source) {
        TensorImpl src = of(source, "copyFrom: src");
        try (Leases l = new Leases().add(src, "copyFrom: src").add(this, "copyFrom: tensor")) {
            if (src.dtype != dtype || src.size != size) {
                throw new IllegalArgumentException("copyFrom: src is " + Shapes.format(src.shape) + " " + src.dtype
                        + ", the tensor " + Shapes.format(shape) + " " + dtype + "; copyFrom needs the same dtype and size");
            }
            if (size > 0 && !sameBytes(src)) {
                Staging.transfer(src.backendDevice(), src.memory, backendDevice(), memory, byteSize());
            }
        }
    }

    /**
     * Closes the tensor (a view, or the tensor views were made from, alike); the memory is freed
     * at once when no other tensor on it is open, else with the last of them, and never while an
     * op uses it.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    public boolean isClosed() {
        return ref.isClosed();
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.format(shape) + " " + dtype + " on " + device.spec() + (isClosed() ? " (closed)" : "");
    }
}
