/**
 * Whole models on Panamax: {@code SentenceEncoder} and {@code CausalLM}, built only on the public
 * API of {@code dev.panamax}.
 */
module dev.panamax.models {
    requires transitive dev.panamax;
    requires com.google.protobuf;

    exports dev.panamax.models;
    // The generated ONNX messages: protobuf's runtime reflects into them (descriptors, toString).
    opens dev.panamax.models.onnx.proto to com.google.protobuf;
}
