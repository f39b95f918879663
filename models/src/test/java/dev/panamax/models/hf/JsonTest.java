package dev.panamax.models.hf;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, -0.25E-1, 12345678901234567890], \"b\": {\"c\": null,"
                + " \"d\": true, \"e\": false}, \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"empty\": {}, \"none\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, -0.025, 1.2345678901234567e19), m.get("a"));
        Map<?, ?> b = (Map<?, ?>) m.get("b");
        assertNull(b.get("c"));
        assertTrue(b.containsKey("c"));
        assertEquals(true, b.get("d"));
        assertEquals(false, b.get("e"));
        assertEquals("q\"\\/\b\f\n\r\té😀", m.get("s"));
        assertEquals(Map.of(), m.get("empty"));
        assertEquals(List.of(), m.get("none"));
        assertEquals(List.of("a", "b", "s", "empty", "none"), List.copyOf(m.keySet()), "keys in file order");
    }

    @Test
    void refusesMalformedText() {
        for (String bad : Arrays.asList("", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "tru", "\"\\x\"", "\"\\u12\"",
                "1 2", "{a: 1}", "\"unterminated", "\"tab\there\"", "-", "[1 2]")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), e.getMessage());
        }
    }
}
