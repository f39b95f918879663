package dev.panamax.tool;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", -7338614212340463251L); // a long must survive exactly, not through a double
        m.put("ms", 1.25e-4);
        m.put("name", "a \"quoted\"\tname\n");
        m.put("list", List.of(1, true, "x"));
        m.put("none", null);
        m.put("nan", Double.NaN);
        String text = Json.write(m);
        assertTrue(text.contains("-7338614212340463251"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) Json.parse(text);
        assertEquals(1.25e-4, (Double) back.get("ms"), 1e-12);
        assertEquals("a \"quoted\"\tname\n", back.get("name"));
        assertEquals(List.of(1.0, true, "x"), back.get("list"));
        assertNull(back.get("none"));
        assertNull(back.get("nan"), "NaN is written as null: JSON has no NaN");
    }

    @Test
    void readsPythonsBareNanAndInfinity() {
        Object parsed = Json.parse("{\"a\": NaN, \"b\": -Infinity, \"c\": Infinity, \"d\": [], \"e\": {}}");
        Map<?, ?> m = (Map<?, ?>) parsed;
        assertTrue(((Double) m.get("a")).isNaN());
        assertEquals(Double.NEGATIVE_INFINITY, m.get("b"));
        assertEquals(Double.POSITIVE_INFINITY, m.get("c"));
        assertEquals(List.of(), m.get("d"));
        assertEquals(Map.of(), m.get("e"));
    }

    @Test
    void rejectsBrokenText() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2] x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": nope}"));
    }
}
