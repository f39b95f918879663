package dev.panamax.models;

/**
 * A model file that this module cannot read or map: a malformed ONNX graph or safetensors header,
 * an architecture or quantization it does not support, a tensor whose name, shape or dtype is not
 * what the configuration says. The message names the file and what was found.
 */
public final class ModelFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
