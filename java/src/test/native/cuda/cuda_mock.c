// A test double of the CUDA driver (libcuda.so.1), for exercising the Java backend's host-side
// plumbing on machines without a GPU: CudaMockDriverTest compiles it into a shared library and
// runs a JVM with -Dpanamax.cuda.library pointing at it. It is strict where the real driver is
// strict, so that the backend's mistakes show up as errors:
//   - every call that needs a context fails with CUDA_ERROR_INVALID_CONTEXT unless the calling
//     thread made the primary context current (cuCtxSetCurrent);
//   - "device memory" is host memory from malloc; copies and memsets must stay inside one live
//     allocation (CUDA_ERROR_INVALID_VALUE otherwise) and a second free of a pointer fails;
//   - module images must start with the fatbin magic; launches must pass a stream we created and
//     kernelParams shaped as the kernel needs. panamax_arch_probe is emulated (it writes 900, 1:
//     an sm_90a cubin), empty_kernel does nothing.
// Test hooks (mock_*) report what happened. Not thread-safe beyond a global mutex, which suffices.
// Variants: PANAMAX_MOCK_CC (environment) sets the compute capability (default 90);
// PANAMAX_MOCK_INIT sets what cuInit returns; built with -DOLD_DRIVER it lacks cuMemAllocAsync,
// as a driver before CUDA 11.2 does.
//
// Built with -DPANAMAX_EMU and linked with the CUDA emulator (emu/, see build.sh), it RUNS
// the kernels: cuModuleGetFunction finds every kernel of kernels/cuda compiled for the host,
// cuLaunchKernel runs it to completion on the emulator (which stands for sm_90a code: the arch
// probe says 900, arch-specific), and device memory is mapped so that each allocation ends
// at a guard page (an overrun of the rounded-up size faults instead of corrupting the heap).
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef PANAMAX_EMU
#include <sys/mman.h>
#include <unistd.h>

#include "emu/emu_api.h"
#endif

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

enum {
    OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, INVALID_DEVICE = 101, INVALID_IMAGE = 200,
    INVALID_CONTEXT = 201, INVALID_HANDLE = 400, NOT_FOUND = 500
};

#define MAX_ALLOCS 4096
#define DEVICE_MEMORY (1ull << 30)  // 1 GiB: larger requests are CUDA_ERROR_OUT_OF_MEMORY

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread void *current_ctx;
static char ctx_token, stream_token, pool_token, module_token;
static struct { unsigned char *p; size_t n; } allocs[MAX_ALLOCS];
static size_t used;
static int live, launches, context_switches, module_loads, max_dynamic_shared, stream_flags = -1;
static unsigned long long release_threshold;

struct fn { const char *name; int param_bytes; const void *emu; };
#ifdef PANAMAX_EMU
#define MAX_KERNELS 256  // the emulated kernels, added as they are looked up
static struct fn kernels[MAX_KERNELS];
static size_t kernel_count;
#else
static struct fn kernels[] = {{"empty_kernel", 0, NULL}, {"panamax_arch_probe", 8, NULL}};
static const size_t kernel_count = sizeof kernels / sizeof kernels[0];
#endif

static int in_context(void) { return current_ctx == &ctx_token; }

static int cc(void) {
    const char *v = getenv("PANAMAX_MOCK_CC");
    return v ? atoi(v) : 90;
}

#ifdef PANAMAX_EMU
// Device memory: each allocation rounded up to 256 bytes and placed to end at a PROT_NONE page.
static size_t page_size(void) { return (size_t) sysconf(_SC_PAGESIZE); }
static size_t mapped_bytes(size_t n) {
    size_t page = page_size();
    return ((n + 255) / 256 * 256 + page - 1) / page * page + page;
}
static unsigned char *device_malloc(size_t n) {
    size_t total = mapped_bytes(n), page = page_size();
    unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    unsigned char *guard = base + total - page;
    mprotect(guard, page, PROT_NONE);
    return guard - (n + 255) / 256 * 256;
}
static void device_free(unsigned char *p, size_t n) {
    size_t total = mapped_bytes(n), page = page_size();
    unsigned char *guard = p + (n + 255) / 256 * 256;
    munmap(guard + page - total, total);
}
#else
static unsigned char *device_malloc(size_t n) { return malloc(n); }
static void device_free(unsigned char *p, size_t n) { (void) n; free(p); }
#endif

// The allocation that holds [p, p + n), or -1.
static int find(CUdeviceptr p, size_t n) {
    for (int i = 0; i < MAX_ALLOCS; i++) {
        uintptr_t base = (uintptr_t) allocs[i].p;
        if (allocs[i].p && p >= base && p + n <= base + allocs[i].n && p + n >= p) return i;
    }
    return -1;
}

static const char *names[][2] = {
    {"0", "CUDA_SUCCESS"}, {"1", "CUDA_ERROR_INVALID_VALUE"}, {"2", "CUDA_ERROR_OUT_OF_MEMORY"},
    {"201", "CUDA_ERROR_INVALID_CONTEXT"}, {"400", "CUDA_ERROR_INVALID_HANDLE"}, {"500", "CUDA_ERROR_NOT_FOUND"},
    {"710", "CUDA_ERROR_ASSERT"}, {"719", "CUDA_ERROR_LAUNCH_FAILED"}};

CUresult cuGetErrorName(CUresult e, const char **s) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (atoi(names[i][0]) == e) { *s = names[i][1]; return OK; }
    *s = NULL;
    return INVALID_VALUE;
}
CUresult cuGetErrorString(CUresult e, const char **s) {
    *s = e == OUT_OF_MEMORY ? "out of memory (mock)" : NULL;
#ifdef PANAMAX_EMU
    if (e == 710 || e == 719) *s = px_emu_last_error();  // what the emulator caught, and where
#endif
    return *s ? OK : INVALID_VALUE;
}
CUresult cuInit(unsigned int flags) {
    const char *v = getenv("PANAMAX_MOCK_INIT");
    return v ? atoi(v) : flags == 0 ? OK : INVALID_VALUE;
}
CUresult cuDriverGetVersion(int *v) { *v = 13000; return OK; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return OK; }
CUresult cuDeviceGet(int *d, int ordinal) { if (ordinal != 0) return INVALID_DEVICE; *d = 0; return OK; }
CUresult cuDeviceGetName(char *name, int len, int dev) {
    if (dev != 0) return INVALID_DEVICE;
#ifdef PANAMAX_EMU
    strncpy(name, "Panamax CUDA emulator (on the CPU)", (size_t) len);
#else
    strncpy(name, "Panamax Mock GPU", (size_t) len);
#endif
    name[len - 1] = 0;
    return OK;
}
CUresult cuDeviceGetAttribute(int *v, int attribute, int dev) {
    if (dev != 0) return INVALID_DEVICE;
    switch (attribute) {
        case 75: *v = cc() / 10; break;  // compute capability major
        case 76: *v = cc() % 10; break;  // minor
        case 16: *v = 132; break;        // multiprocessors
        case 97: *v = 232448; break;     // max shared memory per block, opt-in
        case 115: *v = 1; break;         // memory pools supported
        default: *v = 0;
    }
    return OK;
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int dev) { *bytes = DEVICE_MEMORY; return dev == 0 ? OK : INVALID_DEVICE; }
CUresult cuDeviceGetDefaultMemPool(void **pool, int dev) { *pool = &pool_token; return dev == 0 ? OK : INVALID_DEVICE; }
CUresult cuDevicePrimaryCtxRetain(void **ctx, int dev) { *ctx = &ctx_token; return dev == 0 ? OK : INVALID_DEVICE; }
CUresult cuDevicePrimaryCtxRelease_v2(int dev) { return dev == 0 ? OK : INVALID_DEVICE; }
CUresult cuCtxSetCurrent(void *ctx) {
    pthread_mutex_lock(&lock);
    context_switches++;
    pthread_mutex_unlock(&lock);
    current_ctx = ctx;
    return OK;
}
CUresult cuCtxGetCurrent(void **ctx) { *ctx = current_ctx; return OK; }

CUresult cuMemPoolSetAttribute(void *pool, int attr, void *value) {
    if (pool != &pool_token) return INVALID_HANDLE;
    if (attr == 4) release_threshold = *(unsigned long long *) value;
    return OK;
}
CUresult cuMemPoolTrimTo(void *pool, size_t keep) { (void) keep; return pool == &pool_token ? OK : INVALID_HANDLE; }

CUresult cuStreamCreate(void **stream, unsigned int flags) {
    if (!in_context()) return INVALID_CONTEXT;
    stream_flags = (int) flags;
    *stream = &stream_token;
    return OK;
}
CUresult cuStreamSynchronize(void *stream) {
    if (stream != &stream_token) return INVALID_HANDLE;
    return in_context() ? OK : INVALID_CONTEXT;
}
CUresult cuStreamDestroy_v2(void *stream) { return stream == &stream_token ? OK : INVALID_HANDLE; }

static CUresult alloc(CUdeviceptr *p, size_t n) {
    if (!in_context()) return INVALID_CONTEXT;
    if (n == 0) return INVALID_VALUE;
    pthread_mutex_lock(&lock);
    CUresult rc = OUT_OF_MEMORY;
    if (used + n <= DEVICE_MEMORY) {
        for (int i = 0; i < MAX_ALLOCS; i++) {
            if (!allocs[i].p) {
                allocs[i].p = device_malloc(n);
                if (!allocs[i].p) break;
                memset(allocs[i].p, 0xCD, n);  // device memory starts as garbage
                allocs[i].n = n;
                used += n;
                live++;
                *p = (CUdeviceptr) (uintptr_t) allocs[i].p;
                rc = OK;
                break;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}
static CUresult release(CUdeviceptr p) {
    if (!in_context()) return INVALID_CONTEXT;
    pthread_mutex_lock(&lock);
    CUresult rc = INVALID_VALUE;  // not a live allocation: a double free or a stray pointer
    for (int i = 0; i < MAX_ALLOCS; i++) {
        if (allocs[i].p && (CUdeviceptr) (uintptr_t) allocs[i].p == p) {
            device_free(allocs[i].p, allocs[i].n);
            used -= allocs[i].n;
            allocs[i].p = NULL;
            live--;
            rc = OK;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}
#ifndef OLD_DRIVER
CUresult cuMemAllocAsync(CUdeviceptr *p, size_t n, void *stream) { return stream == &stream_token ? alloc(p, n) : INVALID_HANDLE; }
#endif
CUresult cuMemFreeAsync(CUdeviceptr p, void *stream) { return stream == &stream_token ? release(p) : INVALID_HANDLE; }
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) { return alloc(p, n); }
CUresult cuMemFree_v2(CUdeviceptr p) { return release(p); }
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    if (!in_context()) return INVALID_CONTEXT;
    *free_bytes = DEVICE_MEMORY - used;
    *total = DEVICE_MEMORY;
    return OK;
}

static CUresult device_range(CUdeviceptr p, size_t n, void *stream) {
    if (stream != &stream_token) return INVALID_HANDLE;
    if (!in_context()) return INVALID_CONTEXT;
    pthread_mutex_lock(&lock);
    int i = find(p, n);
    pthread_mutex_unlock(&lock);
    return i < 0 ? INVALID_VALUE : OK;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, void *stream) {
    CUresult rc = device_range(dst, n, stream);
    if (rc == OK) memcpy((void *) (uintptr_t) dst, src, n);
    return rc;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, void *stream) {
    CUresult rc = device_range(src, n, stream);
    if (rc == OK) memcpy(dst, (void *) (uintptr_t) src, n);
    return rc;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, void *stream) {
    CUresult rc = device_range(dst, n, stream);
    if (rc == OK) rc = device_range(src, n, stream);
    // CUDA leaves overlapping ranges undefined: a caller that copies between overlapping views
    // must stage the copy itself, so the double refuses them instead of doing a memmove.
    if (rc == OK && dst < src + n && src < dst + n && n > 0) rc = INVALID_VALUE;
    if (rc == OK) memcpy((void *) (uintptr_t) dst, (void *) (uintptr_t) src, n);
    return rc;
}
CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n, void *stream) {
    CUresult rc = device_range(dst, n, stream);
    if (rc == OK) memset((void *) (uintptr_t) dst, v, n);
    return rc;
}

CUresult cuModuleLoadData(void **module, const void *image) {
    if (!in_context()) return INVALID_CONTEXT;
    if (*(const uint32_t *) image != 0xBA55ED50u) return INVALID_IMAGE;
    pthread_mutex_lock(&lock);
    module_loads++;
    pthread_mutex_unlock(&lock);
    *module = &module_token;
    return OK;
}
CUresult cuModuleUnload(void *module) { return module == &module_token ? OK : INVALID_HANDLE; }
CUresult cuModuleGetFunction(void **f, void *module, const char *name) {
    if (!in_context()) return INVALID_CONTEXT;
    if (module != &module_token) return INVALID_HANDLE;
    pthread_mutex_lock(&lock);
    CUresult rc = NOT_FOUND;
    for (size_t i = 0; i < kernel_count; i++)
        if (strcmp(kernels[i].name, name) == 0) { *f = &kernels[i]; rc = OK; break; }
#ifdef PANAMAX_EMU
    int bytes = 0;
    const void *k = rc == NOT_FOUND ? px_emu_find(name, &bytes) : NULL;
    if (k && kernel_count < MAX_KERNELS) {
        kernels[kernel_count] = (struct fn) {strdup(name), bytes, k};
        *f = &kernels[kernel_count++];
        rc = OK;
    }
#endif
    pthread_mutex_unlock(&lock);
    return rc;
}
static struct fn *function(void *f) {
    for (size_t i = 0; i < kernel_count; i++)
        if (f == &kernels[i]) return &kernels[i];
    return NULL;
}
CUresult cuFuncGetAttribute(int *v, int attribute, void *f) {
    if (!function(f)) return INVALID_HANDLE;
    *v = attribute == 6 ? 90 : attribute == 5 ? 90 : 0;  // binary and PTX version; no static shared memory
    return OK;
}
CUresult cuFuncSetAttribute(void *f, int attribute, int value) {
    if (!function(f)) return INVALID_HANDLE;
    if (attribute == 8) {
        if (value > 232448) return INVALID_VALUE;
        max_dynamic_shared = value;
    }
    return OK;
}
CUresult cuFuncGetParamInfo(void *f, size_t index, size_t *offset, size_t *size) {
    struct fn *k = function(f);
    if (!k) return INVALID_HANDLE;
    if (index > 0 || k->param_bytes == 0) return INVALID_VALUE;
    *offset = 0;
    *size = (size_t) k->param_bytes;
    return OK;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra) {
    struct fn *k = function(f);
    if (!k) return INVALID_HANDLE;
    if (stream != &stream_token) return INVALID_HANDLE;
    if (!in_context()) return INVALID_CONTEXT;
    if (extra || !gx || !gy || !gz || !bx || !by || !bz || bx * by * bz > 1024) return INVALID_VALUE;
    if (shared > 48 * 1024 && (int) shared > max_dynamic_shared) return INVALID_VALUE;
    if ((k->param_bytes == 0) != (params == NULL)) return INVALID_VALUE;
#ifdef PANAMAX_EMU
    unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
    CUresult emu = px_emu_launch(k->emu, grid, block, shared, params);
    pthread_mutex_lock(&lock);
    launches++;
    pthread_mutex_unlock(&lock);
    return emu;
#endif
    if (strcmp(k->name, "panamax_arch_probe") == 0) {
        CUdeviceptr out;
        memcpy(&out, params[0], sizeof out);
        if (device_range(out, 8, stream) != OK) return 700;  // CUDA_ERROR_ILLEGAL_ADDRESS
        unsigned int v[2] = {900, 1};
        memcpy((void *) (uintptr_t) out, v, sizeof v);
    }
    pthread_mutex_lock(&lock);
    launches++;
    pthread_mutex_unlock(&lock);
    return OK;
}

CUresult cuEventCreate(void **e, unsigned int flags) { (void) flags; *e = malloc(1); return OK; }
CUresult cuEventRecord(void *e, void *stream) { (void) e; return stream == &stream_token ? OK : INVALID_HANDLE; }
CUresult cuEventSynchronize(void *e) { (void) e; return OK; }
CUresult cuEventElapsedTime_v2(float *ms, void *a, void *b) { (void) a; (void) b; *ms = 0.001f; return OK; }
CUresult cuEventDestroy_v2(void *e) { free(e); return OK; }

// Test hooks.
int mock_live_allocations(void) { return live; }
int mock_launches(void) { return launches; }
int mock_context_switches(void) { return context_switches; }
int mock_module_loads(void) { return module_loads; }
int mock_max_dynamic_shared(void) { return max_dynamic_shared; }
int mock_stream_flags(void) { return stream_flags; }
unsigned long long mock_release_threshold(void) { return release_threshold; }
