package dev.panamax;

import dev.panamax.internal.Devices;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * A compute device and the owner of the tensors made on it.
 *
 * <p>{@link #cpu()} is always available. {@link #open(String)} takes a spec: {@code "cpu"},
 * {@code "opencl"}, {@code "opencl:N"}, {@code "cuda"}, {@code "cuda:N"}. Two devices opened on the
 * same spec share the hardware (and may mix tensors); each frees, on {@link #close()}, the tensors
 * made through it. Devices are safe to use from several threads at once.
 */
public interface Device extends AutoCloseable {

    /** The CPU device: always available, shared; its {@link #close()} does nothing. */
    static Device cpu() {
        return Devices.cpu();
    }

    /**
     * Opens a device by spec.
     *
     * @throws DeviceUnavailableException if this machine lacks it; the message says why
     * @throws IllegalArgumentException if the spec is not of the forms above
     */
    static Device open(String spec) {
        return Devices.open(spec);
    }

    /**
     * The device named by {@code -Dpanamax.device} or {@code PANAMAX_DEVICE} when set, else
     * {@code cuda:0}, else the first OpenCL GPU or accelerator, else {@link #cpu()}. An OpenCL
     * device of CPU type (PoCL) is never chosen here: the CPU backend is faster on the same cores;
     * {@link #open(String)} and {@code panamax.device} still reach it. Logs one line naming the
     * device and why each faster-ranked one was passed over.
     */
    static Device best() {
        return Devices.best();
    }

    /** The specs {@link #open(String)} accepts on this machine, e.g. {@code [cpu, opencl:0]}. */
    static List<String> available() {
        return Devices.available();
    }

    /**
     * Each backend ({@code "cuda"}, {@code "opencl"}) that {@link #open(String)} cannot give on this
     * machine, with the reason (no driver library, no device, ...); empty when both have a device.
     */
    static Map<String, String> unavailable() {
        return Devices.unavailable();
    }

    /** The canonical spec, e.g. {@code "cuda:0"}. */
    String spec();

    /** The hardware's name, e.g. {@code "NVIDIA H200"}. */
    String name();

    Backend backend();

    /** Total memory of the device in bytes (for the CPU: the memory the JVM's host reports). */
    long memoryBytes();

    /**
     * Facts about the device for display, in a stable order: for GPUs the compute capability and
     * multiprocessor count, driver and runtime versions, and so on.
     */
    Map<String, String> info();

    /** A new tensor of zeros. */
    Tensor zeros(DType dtype, long... shape);

    /** A new F32 tensor holding {@code data}; its length must be the product of {@code shape}. */
    Tensor tensor(float[] data, long... shape);

    /** A new I32 tensor holding {@code data}; its length must be the product of {@code shape}. */
    Tensor tensor(int[] data, long... shape);

    /** A new tensor holding the raw little-endian elements of {@code dtype} read from {@code host}. */
    Tensor tensor(MemorySegment host, DType dtype, long... shape);

    /** Waits for all work queued on this device. */
    void synchronize();

    /**
     * Closes every tensor still open on this device handle, views of them included, and frees
     * their memory; idempotent.
     */
    @Override
    void close();
}
