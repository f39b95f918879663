package dev.panamax.models.text;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Hugging Face's tokenizers (the Rust library) as the reference: the JNI library that DJL's
 * {@code ai.djl.huggingface:tokenizers} jar bundles, called through its {@code TokenizersLibrary}
 * directly (DJL's engine API, which would load it otherwise, is not on the test classpath).
 * Truncation and padding of the tokenizer.json are switched off: the tests compare the whole
 * token sequence.
 */
final class HuggingFaceTokenizer implements AutoCloseable {
    private static boolean loaded;

    private final long handle;

    HuggingFaceTokenizer(String json) {
        load();
        handle = TokenizersLibrary.LIB.createTokenizerFromString(json);
        TokenizersLibrary.LIB.disableTruncation(handle);
        TokenizersLibrary.LIB.disablePadding(handle);
    }

    /** The ids of one text with [CLS] and [SEP]. */
    int[] encode(String text) {
        long encoding = TokenizersLibrary.LIB.encode(handle, text, true);
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = Math.toIntExact(ids[i]);
            }
            return out;
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    String[] tokens(String text) {
        long encoding = TokenizersLibrary.LIB.encode(handle, text, true);
        try {
            return TokenizersLibrary.LIB.getTokens(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public void close() {
        TokenizersLibrary.LIB.deleteTokenizer(handle);
    }

    private static synchronized void load() {
        if (loaded) {
            return;
        }
        String platform = "linux-" + ("aarch64".equals(System.getProperty("os.arch")) ? "aarch64" : "x86_64");
        String resource = "/native/lib/" + platform + "/cpu/libtokenizers.so";
        try (InputStream in = TokenizersLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " in the DJL tokenizers jar");
            }
            Path dir = Files.createTempDirectory("panamax-hf-tokenizers");
            Path lib = dir.resolve("libtokenizers.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            System.load(lib.toString());
            lib.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loaded = true;
    }
}
