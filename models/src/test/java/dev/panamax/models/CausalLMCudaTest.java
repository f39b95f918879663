package dev.panamax.models;

import dev.panamax.DType;
import org.junit.jupiter.api.Test;

/**
 * CausalLM on a real cuda:0 against the CPU, in the default test JVM (skipped with the reason
 * where there is no CUDA driver or GPU, unless panamax.require names cuda); the emulator runs the
 * same checks in CudaEmulatedCausalLMTest.
 */
class CausalLMCudaTest extends BackendAgreement {
    @Test
    void greedyGenerationEqualsTheCpus() throws Exception {
        agreeWithTheCpu("cuda:0", TestModels.llama(), DType.F32, 33, 16);
        agreeWithTheCpu("cuda:0", TestModels.llama().withTiedEmbeddings(true).withSeed(3), DType.BF16, 9, 8);
        agreeWithTheCpu("cuda:0", TestModels.llama(), DType.F16, 17, 8);
    }
}
