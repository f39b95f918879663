package dev.panamax;

/**
 * {@link Device#open(String)} asked for a device this machine lacks; the message says why (no
 * driver library, no such index, kernels not built, ...).
 */
public class DeviceUnavailableException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeviceUnavailableException(String message, String errorName, int errorCode) {
        super(message, errorName, errorCode);
    }
}
