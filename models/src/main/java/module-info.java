/**
 * Whole models on Panamax: {@code SentenceEncoder} and {@code CausalLM}, built only on the public
 * API of {@code dev.panamax}.
 */
module dev.panamax.models {
    requires transitive dev.panamax;

    exports dev.panamax.models;
}
