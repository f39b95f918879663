package dev.panamax.models;

import dev.panamax.DType;
import org.junit.jupiter.api.Test;

/** CausalLM on opencl:0 (PoCL on this kind of machine) against the CPU. */
class CausalLMOpenClTest extends BackendAgreement {
    @Test
    void greedyGenerationEqualsTheCpus() throws Exception {
        agreeWithTheCpu("opencl:0", TestModels.llama(), DType.F32, 11, 12);
        agreeWithTheCpu("opencl:0", TestModels.llama().withTiedEmbeddings(true).withSeed(3), DType.BF16, 6, 8);
        agreeWithTheCpu("opencl:0", MixtralTest.spec(), DType.F32, 7, 8); // routing that reaches every expert
    }
}
