package dev.panamax.cuda;

import dev.panamax.DeviceException;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.bindings.cuda.CudaLibrary;
import dev.panamax.bindings.cuda.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The one place a {@code CUresult} becomes an exception: {@link DeviceException} carrying the
 * code's name ({@code cuGetErrorName}, else {@link CuResult}'s table) and number, and the driver's
 * description; {@code CUDA_ERROR_OUT_OF_MEMORY} becomes {@link DeviceOutOfMemoryException}.
 */
final class CudaErrors {
    private CudaErrors() {
    }

    /** Throws for any result but {@code CUDA_SUCCESS}; {@code what} names the call and its subject. */
    static void check(int result, String what) {
        if (result != cuda_h.CUDA_SUCCESS()) {
            throw error(result, what);
        }
    }

    static DeviceException error(int result, String what) {
        String name = name(result);
        String description = driverString(result, false);
        String message = what + " failed: " + name + " (" + result + ")"
                + (description == null || description.equals(name) ? "" : ": " + description);
        return result == cuda_h.CUDA_ERROR_OUT_OF_MEMORY()
                ? new DeviceOutOfMemoryException(message, name, result)
                : new DeviceException(message, name, result);
    }

    /** {@code CUDA_ERROR_LAUNCH_FAILED} for 719; a code nobody knows reads {@code CUresult 12345}. */
    static String name(int result) {
        String fromDriver = driverString(result, true);
        if (fromDriver != null) {
            return fromDriver;
        }
        String fromTable = CuResult.name(result);
        return fromTable != null ? fromTable : "CUresult " + result;
    }

    /** {@code cuGetErrorName} or {@code cuGetErrorString}; null without a driver or for a code it does not know. */
    private static String driverString(int result, boolean name) {
        if (CudaLibrary.loadFailure() != null) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(cuda_h.C_POINTER);
            int rc = name ? cuda_h.cuGetErrorName(result, out) : cuda_h.cuGetErrorString(result, out);
            MemorySegment text = out.get(cuda_h.C_POINTER, 0);
            return rc == cuda_h.CUDA_SUCCESS() && !text.equals(MemorySegment.NULL) ? text.getString(0) : null;
        } catch (LinkageError e) {
            return null; // a driver without the symbol: the table names the code
        }
    }
}
