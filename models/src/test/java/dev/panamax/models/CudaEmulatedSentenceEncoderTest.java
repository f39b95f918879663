package dev.panamax.models;

import dev.panamax.DType;
import dev.panamax.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * all-MiniLM-L6-v2 on cuda:0 of the CUDA emulator (the kernels of kernels/cuda compiled for the
 * host) against ONNX Runtime, on a short corpus: the emulator runs every GPU thread on the CPU.
 * Runs in the cuda-emulated Surefire execution of models/pom.xml only; skipped with the reason
 * where the emulator was not built, unless -Dpanamax.cuda=required on x86-64.
 */
class CudaEmulatedSentenceEncoderTest {
    @Test
    void matchesOnnxRuntimeOnAShortCorpus() throws Exception {
        String emulator = System.getProperty("panamax.test.cuda.emulator");
        boolean required = "required".equals(System.getProperty("panamax.test.cuda.build"))
                && "amd64".equals(System.getProperty("os.arch"));
        String why = emulator == null ? "runs in the cuda-emulated Surefire execution only"
                : !Files.isRegularFile(Path.of(emulator)) ? "no CUDA emulator at " + emulator
                : !Device.available().contains("cuda:0") ? "cuda:0 did not open on the emulator: "
                        + Device.unavailable().get("cuda")
                : null;
        if (why != null && required) {
            throw new AssertionError("-Dpanamax.cuda=required, but the emulated encoder test cannot run: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        try (Device d = Device.open("cuda:0")) {
            List<String> texts = List.of("Hello world", "Crème brûlée et café — 北京是中国的首都。",
                    "A batch with very different lengths: this text is a good deal longer than the others, "
                            + "so that the short ones are padded and their padding keys are masked.", "");
            double worst = SentenceEncoderChecks.check(d, DType.F32, texts, 0.9999);
            System.out.println(d.spec() + " (emulator) F32: smallest cosine with ONNX Runtime " + worst);
        }
    }
}
