// The entry points of the CUDA emulator's runtime (emu_runtime.cpp): what the device-language shim
// (cuda_emu.h) calls from kernel code, and what the driver double (../cuda_mock.c, built with
// -DPANAMAX_EMU) calls to find and launch kernels. Plain C types only: the driver double is C.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------- the driver's side

typedef void (*px_emu_trampoline)(void** params);  // calls the kernel with *(P*)params[0]

// Called by the registrations the build appends to each kernel source (one per extern "C" kernel).
void px_emu_register(const char* name, px_emu_trampoline call, int paramBytes);

// The kernel named `name`, or NULL; *paramBytes is the size of its one parameter (0: none).
const void* px_emu_find(const char* name, int* paramBytes);

// Runs every block of the grid to completion. Returns 0, or a CUDA error code with the reason on
// stderr (719 LAUNCH_FAILED for what the emulator caught, 710 ASSERT for __trap).
int px_emu_launch(const void* kernel, const unsigned grid[3], const unsigned block[3], unsigned dynamicShared,
                  void** params);

// What the last failed launch said (empty when none failed).
const char* px_emu_last_error(void);

// The scheduling order of later launches: 0 forward, 1 reverse, 2 alternate, 3 warps (see
// emu_runtime.cpp); it overrides PANAMAX_EMU_ORDER. Any other value: PANAMAX_EMU_ORDER again.
void px_emu_set_order(int order);


// ---------------------------------------------------------------- the kernels' side

typedef struct { unsigned x, y, z; } px_emu_uint3;
typedef struct {
    px_emu_uint3 threadIdx, blockIdx, blockDim, gridDim;
} px_emu_ctx_t;

const px_emu_ctx_t* px_emu_ctx(void);

void px_emu_sync_block(const char* file, int line);
void px_emu_trap(const char* file, int line) __attribute__((noreturn));

// Warp shuffles of 32 bits. mode: 0 idx, 1 xor.
uint32_t px_emu_shfl(uint32_t mask, uint32_t v, int arg, int width, int mode, const char* file, int line);

// Shared-memory addresses (the 32-bit .shared window) of the dynamic shared memory.
uint32_t px_emu_shared_addr(const void* p, const char* file, int line);
void* px_emu_shared_ptr(uint32_t addr, uint32_t bytes, uint32_t align, const char* file, int line);
void* px_emu_dynamic_shared(void);

// cp.async.cg 16 bytes (srcBytes of them read, the rest zero-filled), commit_group, wait_group N,
// wait_all: the copies land only when the issuing thread waits for their group; until then the
// destination holds a NaN pattern, as good as the undefined contents the hardware leaves.
void px_emu_cp_async16(uint32_t dst, const void* src, int srcBytes, const char* file, int line);
void px_emu_cp_async_commit(void);
void px_emu_cp_async_wait(int pendingAllowed);

// ldmatrix.sync.aligned.m8n8.x4[.trans].shared.b16
void px_emu_ldmatrix_x4(uint32_t addr, int trans, uint32_t out[4], const char* file, int line);

// mma.sync.aligned.m16n8k16.row.col.f32.{bf16,f16}.{bf16,f16}.f32, d += a b. kind: 0 bf16, 1 f16.
void px_emu_mma_m16n8k16(int kind, float d[4], const uint32_t a[4], uint32_t b0, uint32_t b1, const char* file,
                         int line);

// mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32, d += a b exactly in 32-bit integers.
void px_emu_mma_m16n8k32_s8(int d[4], const uint32_t a[4], uint32_t b0, uint32_t b1, const char* file, int line);

// wgmma.mma_async.sync.aligned.m64n256k16.f32.{bf16,f16}, scale-d 1, operands in shared memory
// by matrix descriptor (128-byte swizzle only), aMN/bMN the imm-trans flags (1: MN-major), and
// wgmma.commit_group / wait_group N. Deferred like the hardware's: a batch reads shared memory and
// adds to d only when the issuing thread waits for it, after the rest of the block has run.
void px_emu_wgmma_m64n256k16(int kind, float d[128], uint64_t descA, uint64_t descB, int aMN, int bMN,
                             const char* file, int line);
void px_emu_wgmma_commit(void);
void px_emu_wgmma_wait(int pendingAllowed);

#ifdef __cplusplus
}
#endif
