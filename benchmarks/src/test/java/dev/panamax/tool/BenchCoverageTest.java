package dev.panamax.tool;

import dev.panamax.Ops;
import dev.panamax.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every public static method of {@link Ops} is timed by {@code panamax bench}: some {@link BenchOp}
 * names it ({@link BenchOp#times()}) and has at least one case in every profile (quick, the CPU's,
 * OpenCL's, the GPU's). {@code convert} times {@link Tensor#to}, which is not an Ops method: it
 * is checked to exist like the others, but nothing requires it.
 */
class BenchCoverageTest {

    @Test
    void everyPublicStaticMethodOfOpsHasACaseInEveryProfile() {
        TreeSet<String> methods = new TreeSet<>();
        for (Method m : Ops.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
                methods.add("Ops." + m.getName());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String method : methods) {
            List<String> lacking = new ArrayList<>();
            boolean named = false;
            for (Catalog.Profile profile : Catalog.Profile.values()) {
                boolean covered = false;
                for (Map.Entry<String, BenchOp> op : Catalog.OPS.entrySet()) {
                    if (op.getValue().times().contains(method)) {
                        named = true;
                        covered |= Catalog.cases(profile).stream().anyMatch(c -> c.op().equals(op.getKey()));
                    }
                }
                if (!covered) {
                    lacking.add(profile.name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            if (!named) {
                missing.add(method + ": no BenchOp times it (BenchOp.times())");
            } else if (!lacking.isEmpty()) {
                missing.add(method + ": no case in the " + String.join(", ", lacking) + " profile(s) of Catalog");
            }
        }
        assertEquals(List.of(), missing, "public ops of Ops without a bench case");
    }

    @Test
    void everyMethodABenchNamesExists() {
        List<String> unknown = new ArrayList<>();
        Catalog.OPS.forEach((name, op) -> {
            for (String method : op.times()) {
                String[] parts = method.split("\\.");
                Class<?> owner = parts[0].equals("Ops") ? Ops.class : parts[0].equals("Tensor") ? Tensor.class : null;
                boolean exists = owner != null && parts.length == 2 && Arrays.stream(owner.getMethods())
                        .anyMatch(m -> m.getName().equals(parts[1]) && (owner == Tensor.class || Modifier.isStatic(m.getModifiers())));
                if (!exists) {
                    unknown.add(name + " names " + method);
                }
            }
        });
        assertEquals(List.of(), unknown, "BenchOp.times() names methods that are not public methods of Ops or Tensor");
    }
}
