package dev.panamax.models.hf;

import dev.panamax.models.ModelFormatException;

import java.util.Map;

/** Helpers shared by the readers of a checkpoint's files. */
final class Checkpoints {
    private Checkpoints() {
    }

    /** The JSON object text holds, or a ModelFormatException that names {@code where}. */
    static Map<?, ?> object(String text, String where) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new ModelFormatException(where + ": not a JSON object");
        }
        return m;
    }
}
