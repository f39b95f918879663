package dev.panamax.opencl;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * After an OpenCL program build and launch, which on PoCL run LLVM, the JVM must still own SIGSEGV and SIGBUS.
 * LLVM installs one-shot handlers of its own, and the JVM faults on purpose (e.g. at GC
 * safepoints): two threads faulting at once under LLVM's handlers can kill the JVM without an
 * hs_err file. The test JVMs preload libjsig (pom.xml), which keeps the JVM's handlers. Where
 * libjsig is not preloaded (a test run from an IDE) this is skipped with that reason.
 */
class OpenClSignalHandlersTest extends OpenClDeviceTest {
    private static final int SIGBUS = 7, SIGSEGV = 11;

    @Test
    void theJvmKeepsItsSignalHandlersThroughABuild() throws Throwable {
        String preload = System.getenv("LD_PRELOAD");
        assumeTrue(preload != null && preload.contains("libjsig"), "libjsig is not preloaded in this JVM");
        // A fresh kernel: PoCL compiles its work-group function (LLVM codegen) at the first launch.
        String name = "signal_probe_" + System.nanoTime();
        String source = "__kernel void " + name + "(__global float *x) { x[get_global_id(0)] = 1.0f; }";
        OpenClDevice cl = backend();
        try (ClProgram program = cl.programs().build("signal_probe.cl", source, "");
             var out = cl.scratch(4 * 64); ClArgs args = ClArgs.begin()) {
            args.buffer(out.memory()).grid(64, 64);
            cl.launch(program, name, args);
            cl.synchronize();
            for (int signal : new int[] {SIGSEGV, SIGBUS}) {
                String owner = owner(handler(signal));
                assertTrue(owner.contains("libjvm"), "after an OpenCL build and launch the handler of signal " + signal
                        + " lies in " + owner + ", not in the JVM");
            }
        }
    }

    /** The file of the shared object holding {@code address} (dladdr's dli_fname), or "?". */
    private static String owner(long address) throws Throwable {
        MethodHandle dladdr = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("libc.so.6", Arena.global()).find("dladdr").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(32);  // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr
            int found = (int) dladdr.invokeExact(MemorySegment.ofAddress(address), info);
            MemorySegment file = info.get(ValueLayout.ADDRESS, 0);
            return found == 0 || file.equals(MemorySegment.NULL) ? "?" : file.reinterpret(4096).getString(0);
        }
    }

    /** The address of the handler installed for {@code signal} (sigaction, struct sigaction's first field). */
    private static long handler(int signal) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle sigaction = linker.downcallHandle(
                SymbolLookup.libraryLookup("libc.so.6", Arena.global()).find("sigaction").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(256);  // larger than struct sigaction on every Linux ABI
            int rc = (int) sigaction.invokeExact(signal, MemorySegment.NULL, old);
            assertEquals(0, rc, "sigaction(" + signal + ")");
            return old.get(ValueLayout.JAVA_LONG, 0);
        }
    }
}
