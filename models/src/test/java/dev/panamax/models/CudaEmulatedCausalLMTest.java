package dev.panamax.models;

import dev.panamax.DType;
import org.junit.jupiter.api.Test;

/**
 * CausalLM on cuda:0 against the CPU. The models module's cuda-emulated Surefire execution runs
 * it in a JVM whose libcuda is the CUDA emulator (built by the core module's test build); on a
 * machine with a GPU it runs on the real one the same way when panamax.cuda.library is unset.
 */
class CudaEmulatedCausalLMTest extends BackendAgreement {
    @Test
    void greedyGenerationEqualsTheCpus() throws Exception {
        agreeWithTheCpu("cuda:0", TestModels.llama(), DType.F32, 9, 6);
        agreeWithTheCpu("cuda:0", TestModels.llama().withTiedEmbeddings(true).withSeed(3), DType.BF16, 5, 4);
        agreeWithTheCpu("cuda:0", MixtralTest.spec(), DType.F32, 5, 4); // routing that reaches every expert
    }
}
