package dev.panamax.internal;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one implementation of {@link Device}: a handle on a shared {@link BackendDevice} that owns
 * the tensors made through it, their views included (a view belongs to the handle of the tensor it
 * was made from). Closing the handle closes them all and frees their memory; the backend device
 * stays (it is shared with other handles on the same spec and cached for the life of the JVM).
 */
public final class DeviceHandle implements Device {
    private final BackendDevice device;
    private final boolean shared;
    private final Set<Allocation> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DeviceHandle(BackendDevice device, boolean shared) {
        this.device = device;
        this.shared = shared;
    }

    public BackendDevice backendDevice() {
        return device;
    }

    Set<Allocation> openAllocations() {
        return open;
    }

    /**
     * Allocations made through this handle and not yet freed: one per tensor made, shared by its
     * views, and freed once the tensor and every view of it are closed.
     */
    public int openTensorCount() {
        return open.size();
    }

    private void ensureOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": device " + device.spec() + " is closed");
        }
    }

    /** A new tensor with unspecified contents, after checking the handle and the shape. */
    TensorImpl allocateTensor(String op, DType dtype, long[] shape) {
        Objects.requireNonNull(dtype, op + ": dtype is null");
        long size = Shapes.checkedSize(op, shape);
        Shapes.checkedBytes(op, dtype.byteSize(), shape);
        ensureOpen(op);
        return TensorImpl.allocate(this, dtype, shape, size);
    }

    @Override
    public String spec() {
        return device.spec();
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public Backend backend() {
        return device.backend();
    }

    @Override
    public long memoryBytes() {
        return device.memoryBytes();
    }

    @Override
    public Map<String, String> info() {
        return device.info();
    }

    @Override
    public Tensor zeros(DType dtype, long... shape) {
        try (Outputs o = new Outputs(this, "zeros")) {
            TensorImpl t = o.add("result", dtype, shape);
            if (t.size() > 0) {
                device.zero(t.memory(), t.byteSize());
            }
            return o.keep(t);
        }
    }

    @Override
    public Tensor tensor(float[] data, long... shape) {
        Objects.requireNonNull(data, "tensor: data is null");
        return fromHost("tensor", MemorySegment.ofArray(data), data.length, DType.F32, shape);
    }

    @Override
    public Tensor tensor(int[] data, long... shape) {
        Objects.requireNonNull(data, "tensor: data is null");
        return fromHost("tensor", MemorySegment.ofArray(data), data.length, DType.I32, shape);
    }

    private Tensor fromHost(String op, MemorySegment host, long length, DType dtype, long[] shape) {
        long size = Shapes.checkedSize(op, shape);
        if (size != length) {
            throw new IllegalArgumentException(op + ": data has " + length + " elements but shape "
                    + Shapes.format(shape) + " has " + size);
        }
        return upload(op, host, dtype, shape);
    }

    @Override
    public Tensor tensor(MemorySegment host, DType dtype, long... shape) {
        Objects.requireNonNull(host, "tensor: host is null");
        Objects.requireNonNull(dtype, "tensor: dtype is null");
        long bytes = Shapes.checkedBytes("tensor", dtype.byteSize(), shape);
        Staging.checkAccessible("tensor", host);
        if (host.byteSize() < bytes) {
            throw new IllegalArgumentException("tensor: host segment has " + host.byteSize() + " bytes, shape "
                    + Shapes.format(shape) + " of " + dtype + " needs " + bytes);
        }
        return upload("tensor", host, dtype, shape);
    }

    private Tensor upload(String op, MemorySegment host, DType dtype, long[] shape) {
        try (Outputs o = new Outputs(this, op)) {
            TensorImpl t = o.add("result", dtype, shape);
            if (t.size() > 0) {
                Staging.copyIn(device, host, t.memory(), t.byteSize());
            }
            return o.keep(t);
        }
    }

    @Override
    public void synchronize() {
        ensureOpen("synchronize");
        device.synchronize();
    }

    /** Closes every tensor made through this handle, views included, and frees their memory; the shared CPU device ignores this. */
    @Override
    public void close() {
        if (shared || closed) {
            return;
        }
        closed = true;
        Closing.all(new ArrayList<>(open), Allocation::run);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Device[" + spec() + ", " + name() + (closed ? ", closed" : "") + "]";
    }

    /** Handles made for the same spec share their hardware; tensors of both may meet in one op. */
    public boolean sameHardware(DeviceHandle other) {
        return device == other.device;
    }

}
