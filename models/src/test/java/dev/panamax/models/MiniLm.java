package dev.panamax.models;

import java.nio.file.Files;
import java.nio.file.Path;

/** The all-MiniLM-L6-v2 jar from Maven Central that the build resolved for the tests. */
public final class MiniLm {
    private MiniLm() {
    }

    public static Path jar() {
        String p = System.getProperty("panamax.test.minilm");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the all-MiniLM-L6-v2 jar is not at " + p
                    + " (models/pom.xml resolves it as a test dependency and passes -Dpanamax.test.minilm)");
        }
        return Path.of(p);
    }
}
