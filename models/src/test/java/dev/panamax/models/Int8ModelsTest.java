package dev.panamax.models;

import dev.panamax.models.hf.LlamaConfig;
import dev.panamax.models.hf.SafeTensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The INT8 model checks on the CPU backend, and the INT8 decode roofline's byte count. */
class Int8ModelsTest extends Int8ModelChecks {
    @Override
    String spec() {
        return "cpu";
    }

    @Test
    void decodeBytesOfInt8Weights() throws Exception {
        // from the checkpoint's own tensors: each linear weight one byte per element and an F32 scale
        // per row instead of two bytes per element; everything else as the BF16 count has it
        Path dir = TestModels.dir(TestModels.llama().withLayers(3).withShape(96, 6, 3, 200, 301).withSeed(11));
        LlamaConfig c = LlamaConfig.read(dir);
        long elements = 0;
        long rows = 0;
        try (SafeTensors st = SafeTensors.open(dir)) {
            for (SafeTensors.Entry e : st.entries().values()) {
                if (e.name().endsWith("_proj.weight")) {
                    elements += e.elements();
                    rows += e.shape()[0];
                }
            }
        }
        long bf16 = c.decodeBytesRead(2, 100);
        assertEquals(bf16 - elements + 4 * rows, c.decodeBytesReadInt8(2, 100));
    }
}
