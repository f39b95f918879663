package dev.panamax;

/**
 * A failure reported by a device driver or runtime. Carries the native error name and code
 * ({@code CUDA_ERROR_LAUNCH_FAILED}, {@code CL_OUT_OF_RESOURCES}) when there is one.
 */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorName;
    private final int errorCode;

    public DeviceException(String message) {
        this(message, null, 0, null);
    }

    public DeviceException(String message, Throwable cause) {
        this(message, null, 0, cause);
    }

    public DeviceException(String message, String errorName, int errorCode) {
        this(message, errorName, errorCode, null);
    }

    public DeviceException(String message, String errorName, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorName = errorName;
        this.errorCode = errorCode;
    }

    /** The native error's name, e.g. {@code CL_OUT_OF_RESOURCES}; null when the failure has none. */
    public String errorName() {
        return errorName;
    }

    /** The native error code (a {@code cl_int} or {@code CUresult}); 0 when the failure has none. */
    public int errorCode() {
        return errorCode;
    }
}
