package dev.panamax.tool;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceException;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * {@code panamax devices}: every backend, and for each device its spec, name, backend, memory and
 * the facts its {@code info()} gives (for GPUs: compute capability, multiprocessors, driver).
 * A backend this machine cannot use is listed with the reason, never left out.
 */
final class DevicesCommand {
    private final PrintStream out;

    DevicesCommand(PrintStream out) {
        this.out = out;
    }

    int run() {
        Map<String, String> unavailable = Device.unavailable();
        for (Backend backend : Backend.values()) {
            String prefix = backend.name().toLowerCase(Locale.ROOT);
            String why = unavailable.get(prefix);
            if (why != null) {
                out.println(prefix + ": unavailable: " + why);
                out.println();
                continue;
            }
            for (String spec : Device.available()) {
                if (spec.equals(prefix) || spec.startsWith(prefix + ":")) {
                    describe(spec);
                }
            }
        }
        return 0;
    }

    private void describe(String spec) {
        try (Device d = Device.open(spec)) {
            out.println(d.spec() + ": " + d.name());
            line("backend", d.backend().name().toLowerCase(Locale.ROOT));
            line("memory", Units.gib(d.memoryBytes()));
            for (Map.Entry<String, String> e : d.info().entrySet()) {
                line(e.getKey(), e.getValue());
            }
        } catch (DeviceException e) {
            out.println(spec + ": unavailable: " + e.getMessage());
        }
        out.println();
    }

    private void line(String key, String value) {
        out.printf(Locale.ROOT, "  %-22s %s%n", key, value);
    }
}
