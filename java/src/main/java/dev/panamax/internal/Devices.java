package dev.panamax.internal;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.cpu.CpuProvider;
import dev.panamax.cuda.CudaProvider;
import dev.panamax.opencl.OpenClProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device registry behind {@link Device}'s static methods: parses specs, asks each backend's
 * provider what this machine has, and opens each backend device once per JVM.
 */
public final class Devices {
    private static final System.Logger LOG = System.getLogger("dev.panamax");

    /** One provider per backend, in the order {@link #available()} lists them. */
    private static final List<BackendProvider> PROVIDERS = List.of(
            new CpuProvider(),
            new OpenClProvider(),
            new CudaProvider());

    private static final ConcurrentHashMap<String, BackendDevice> OPENED = new ConcurrentHashMap<>();

    private Devices() {
    }

    /** The shared CPU handle, made on first use. */
    private static final class SharedCpu {
        static final DeviceHandle INSTANCE = new DeviceHandle(backendDevice(provider(Backend.CPU), 0), true);
    }

    public static Device cpu() {
        return SharedCpu.INSTANCE;
    }

    public static Device open(String spec) {
        Objects.requireNonNull(spec, "Device.open: spec is null");
        ParsedSpec p = parse(spec);
        return new DeviceHandle(backendDevice(p.provider, p.index), false);
    }

    public static Device best() {
        String configured = Config.string("panamax.device", "PANAMAX_DEVICE");
        if (configured != null) {
            ParsedSpec p = parse(configured.trim());
            Device d = p.provider.backend() == Backend.CPU ? cpu() : open(configured.trim());
            LOG.log(System.Logger.Level.INFO, "Panamax: using " + d.spec() + " (" + d.name() + "), set by panamax.device");
            return d;
        }
        StringBuilder skipped = new StringBuilder();
        for (Backend b : new Backend[] {Backend.CUDA, Backend.OPENCL}) {
            BackendProvider provider = providerOrNull(b);
            if (provider == null) {
                continue;
            }
            Device d = firstBeatingCpu(provider, skipped);
            if (d != null) {
                LOG.log(System.Logger.Level.INFO, "Panamax: using " + d.spec() + " (" + d.name() + ")" + skipped);
                return d;
            }
        }
        Device d = cpu();
        LOG.log(System.Logger.Level.INFO, "Panamax: using " + d.spec() + " (" + d.name() + ")" + skipped);
        return d;
    }

    /**
     * The first device of {@code provider} that may beat the CPU backend and opens (a GPU; never an
     * OpenCL device of CPU type), or null; why each other one was passed over goes into {@code skipped}.
     */
    private static Device firstBeatingCpu(BackendProvider provider, StringBuilder skipped) {
        int count;
        try {
            count = provider.deviceCount();
        } catch (DeviceUnavailableException e) {
            skipped.append("; ").append(provider.prefix()).append(" unavailable: ").append(e.getMessage());
            return null;
        }
        for (int i = 0; i < count; i++) {
            String spec = provider.prefix() + ":" + i;
            if (!provider.beatsCpuBackend(i)) {
                skipped.append("; ").append(spec).append(" passed over: a CPU device, slower than the cpu backend on the same cores");
                continue;
            }
            try {
                return new DeviceHandle(backendDevice(provider, i), false);
            } catch (DeviceUnavailableException e) {
                skipped.append("; ").append(spec).append(" unavailable: ").append(e.getMessage());
            }
        }
        return null;
    }

    public static List<String> available() {
        List<String> specs = new ArrayList<>();
        for (BackendProvider p : PROVIDERS) {
            int n;
            try {
                n = p.deviceCount();
            } catch (DeviceUnavailableException e) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                specs.add(p.backend() == Backend.CPU ? "cpu" : p.prefix() + ":" + i);
            }
        }
        return List.copyOf(specs);
    }

    /**
     * Why {@code backend} cannot be used on this machine, or null when it can (it has at least one
     * device). For tools and test skips that must say why.
     */
    public static String unavailabilityCause(Backend backend) {
        BackendProvider p = providerOrNull(backend);
        if (p == null) {
            return "the " + backend + " backend is not part of this build";
        }
        try {
            return p.deviceCount() > 0 ? null : "no " + backend + " device on this machine";
        } catch (DeviceUnavailableException e) {
            return e.getMessage();
        }
    }

    /** {@link Device#unavailable()}: each GPU backend that has no device here, with the reason, in a stable order. */
    public static Map<String, String> unavailable() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Backend b : new Backend[] {Backend.OPENCL, Backend.CUDA}) {
            String why = unavailabilityCause(b);
            if (why != null) {
                out.put(b.name().toLowerCase(java.util.Locale.ROOT), why);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private record ParsedSpec(BackendProvider provider, int index) {
    }

    private static ParsedSpec parse(String spec) {
        String prefix = spec;
        int index = 0;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            prefix = spec.substring(0, colon);
            String digits = spec.substring(colon + 1);
            if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw badSpec(spec);
            }
            index = Integer.parseInt(digits);
        }
        for (Backend b : Backend.values()) {
            String name = b.name().toLowerCase(java.util.Locale.ROOT);
            if (name.equals(prefix)) {
                if (b == Backend.CPU && colon >= 0) {
                    throw badSpec(spec);
                }
                BackendProvider p = providerOrNull(b);
                if (p == null) {
                    throw new DeviceUnavailableException("Device.open(\"" + spec + "\"): the " + name
                            + " backend is not part of this build");
                }
                return new ParsedSpec(p, index);
            }
        }
        throw badSpec(spec);
    }

    private static IllegalArgumentException badSpec(String spec) {
        return new IllegalArgumentException("Device.open: unknown device spec '" + spec
                + "'; expected cpu, opencl, opencl:N, cuda or cuda:N");
    }

    private static BackendProvider providerOrNull(Backend b) {
        for (BackendProvider p : PROVIDERS) {
            if (p.backend() == b) {
                return p;
            }
        }
        return null;
    }

    private static BackendProvider provider(Backend b) {
        return Objects.requireNonNull(providerOrNull(b), b::toString);
    }

    private static BackendDevice backendDevice(BackendProvider p, int index) {
        String spec = p.backend() == Backend.CPU ? "cpu" : p.prefix() + ":" + index;
        BackendDevice cached = OPENED.get(spec);
        if (cached != null) {
            return cached;
        }
        int count = p.deviceCount(); // throws DeviceUnavailableException with the backend's reason
        if (index >= count) {
            throw new DeviceUnavailableException("Device.open(\"" + spec + "\"): no such index; this machine has "
                    + count + " " + p.backend() + " device" + (count == 1 ? "" : "s")
                    + (count > 0 ? " (" + p.prefix() + ":0" + (count > 1 ? " to " + p.prefix() + ":" + (count - 1) : "") + ")" : ""));
        }
        return OPENED.computeIfAbsent(spec, s -> p.open(index));
    }
}
