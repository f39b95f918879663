package dev.panamax.internal;

import dev.panamax.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors one op makes for its result, on one device handle (that of an input): each
 * allocated and leased by {@link #add}, released when the op ends, and closed again unless the op
 * handed them out through {@link #keep}. So an op that fails part-way (a bad launch, out of
 * memory on its second output) leaves no tensor behind, and a device closed by another thread
 * during the call never frees an output a kernel is writing.
 *
 * <pre>{@code
 * try (Outputs o = new Outputs(x, "softmax")) {
 *     TensorImpl out = o.add("result", x.dtype(), x.shapeView());
 *     ... queue the kernel ...
 *     return o.keep(out);
 * }
 * }</pre>
 */
public final class Outputs implements AutoCloseable {
    private final DeviceHandle handle;
    private final String op;
    private final List<TensorImpl> made = new ArrayList<>(2);
    private final Leases leases = new Leases();
    private boolean kept;

    /** Outputs of {@code op} (named in errors, e.g. "softmax") on the device handle of {@code like}. */
    public Outputs(TensorImpl like, String op) {
        this(like.handle(), op);
    }

    Outputs(DeviceHandle handle, String op) {
        this.handle = handle;
        this.op = op;
    }

    /** A new tensor of unspecified contents, leased for the call; {@code name} names it in errors, e.g. "result". */
    public TensorImpl add(String name, DType dtype, long... shape) {
        TensorImpl t = handle.allocateTensor(op, dtype, shape);
        made.add(t);
        leases.add(t, op + ": " + name);
        return t;
    }

    /** Marks the op done: the outputs stay open; returns {@code result}, the op's return value. */
    public <T> T keep(T result) {
        kept = true;
        return result;
    }

    /** Releases the leases; closes every output unless {@link #keep} was called. */
    @Override
    public void close() {
        leases.close();
        if (!kept) {
            Closing.all(made, TensorImpl::close);
        }
    }
}
