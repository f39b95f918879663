// The CUDA emulator's runtime: runs the blocks of a launch on worker threads, each block's CUDA
// threads as fibers, and gives the kernels' warp collectives, barriers, shared memory and async
// copies the semantics of the PTX ISA, strictly enough that the kernels' mistakes show:
//   - a block's threads run one at a time, switching at every barrier, warp collective and
//     cp.async wait; __syncthreads releases when every live thread of the block has arrived, at the
//     same source line (a barrier reached from two places is reported);
//   - a warp collective (shuffle, ldmatrix, mma.sync) completes when every live lane of
//     the warp has arrived at the same operation; a shuffle that reads a lane outside its mask or an
//     exited lane, and a collective whose lanes disagree, are reported;
//   - a block where no thread can move is a deadlock, reported with where each thread waits;
//   - dynamic shared memory starts filled with a NaN pattern and ends at a guard page; a 32-bit
//     shared address outside the launch's dynamic shared memory, or misaligned, is reported;
//   - cp.async lands only when the issuing thread waits for its group, and the thread yields to
//     the rest of the block before it does, so a read that misses a wait or a barrier sees NaNs;
//   - a typed load or store through a pointer misaligned for its type (the kernels are built with
//     -fsanitize=alignment, whose checks call the handler below) fails the launch, as on a GPU.
// A failure stops the launch; cuLaunchKernel returns 719 (LAUNCH_FAILED), or 710 (ASSERT) for
// __trap, and the reason goes to stderr and px_emu_last_error().
#include "emu_api.h"
#include "emu_half.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------- fibers

#if defined(__x86_64__)
// px_emu_switch(&from->sp, to->sp): saves the callee-saved registers, MXCSR and the x87 control
// word on the current stack, stores the stack pointer, and resumes the other stack the same way.
extern "C" void px_emu_switch(void** from, void* to);
asm(R"(
    .text
    .globl px_emu_switch
    .hidden px_emu_switch
    .type px_emu_switch,@function
px_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size px_emu_switch,.-px_emu_switch
)");
#else
#error "the CUDA emulator's fibers are written for x86-64"
#endif

constexpr size_t kStackBytes = 256 * 1024;  // per CUDA thread, committed as touched
constexpr size_t kSharedBytes = 232448;     // what the driver double reports per block (opt-in)
constexpr int kMaxThreads = 1024;
// The .shared window: dynamic shared memory starts at address 128 (not at 0, and not on a 1024-byte
// boundary, so that code which must round its base up is seen to do so).
constexpr uint32_t kWindowBase = 128;

enum class State { Runnable, AtBarrier, AtCollective, Done };
enum class Op { None, Shfl, Ldmatrix, Mma };

const char* op_name(Op op) {
    switch (op) {
        case Op::Shfl: return "a shuffle";
        case Op::Ldmatrix: return "ldmatrix";
        case Op::Mma: return "mma.sync";
        default: return "nothing";
    }
}

struct Copy {
    unsigned char* dst;
    const unsigned char* src;
    int srcBytes;
    unsigned long long group;
};

struct Wgmma {  // one wgmma.mma_async in flight
    float* d;
    uint64_t descA, descB;
    int kind, aMN, bMN;
    unsigned long long group;
    const char* file;
    int line;
};

struct Lane {  // one lane's part of a warp collective
    Op op;
    uint32_t mask;
    const char* file;
    int line;
    // inputs
    uint32_t v;
    int arg, width, mode;
    uint32_t addr;
    int trans, kind;
    uint32_t a[4], b[2];
    float c[4];
    // outputs
    uint32_t out[4];
    float d[4];
};

struct Fiber {
    void* sp = nullptr;
    unsigned char* stackTop = nullptr;
    int tid = 0;
    px_emu_ctx_t ctx{};
    State state = State::Done;
    const char* file = nullptr;  // where it waits
    int line = 0;
    std::vector<Copy> copies;
    unsigned long long committed = 0;  // cp.async groups committed
    std::vector<Wgmma> wgmmas;
    unsigned long long wgCommitted = 0;  // wgmma groups committed
};

struct Warp {
    uint32_t live = 0, arrived = 0;
    Op op = Op::None;
    Lane lanes[32];
};

struct Kernel {
    std::string name;
    px_emu_trampoline call;
    int paramBytes;
    unsigned long long launches = 0;
};

// One worker thread's machinery, reused by every block it runs.
struct Worker {
    unsigned char* stacks = nullptr;  // kMaxThreads stacks, each above a guard page
    unsigned char* sharedEnd = nullptr;  // the guard page after the shared-memory arena
    Fiber fibers[kMaxThreads];
    Warp warps[kMaxThreads / 32];
    void* schedulerSp = nullptr;
    Fiber* current = nullptr;
    int nThreads = 0, live = 0, atBarrier = 0;
    const char* barrierFile = nullptr;
    int barrierLine = 0;
    unsigned char* shared = nullptr;  // this launch's dynamic shared memory
    uint32_t sharedBytes = 0;
    bool failed = false;
    int failCode = 0;
    std::string failure;
    const Kernel* kernel = nullptr;
    void** params = nullptr;
    std::string setupError;  // why this worker cannot run blocks (its memory could not be mapped)

    Worker() {
        const size_t page = (size_t)sysconf(_SC_PAGESIZE);
        const size_t slot = kStackBytes + page;
        stacks = (unsigned char*)mmap(nullptr, slot * kMaxThreads, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (stacks == MAP_FAILED) {
            setupError = std::string("mmap of ") + std::to_string(slot * kMaxThreads >> 20) +
                         " MiB of fiber stacks failed: " + strerror(errno);
            return;
        }
        for (int i = 0; i < kMaxThreads; i++) {
            mprotect(stacks + i * slot, page, PROT_NONE);  // an overflow faults instead of corrupting
            fibers[i].stackTop = stacks + (i + 1) * slot;
            fibers[i].copies.reserve(64);
        }
        const size_t arena = (kSharedBytes + page - 1) / page * page;
        unsigned char* region = (unsigned char*)mmap(nullptr, arena + page, PROT_READ | PROT_WRITE,
                                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (region == MAP_FAILED) {
            setupError = std::string("mmap of the shared-memory arena failed: ") + strerror(errno);
            return;
        }
        sharedEnd = region + arena;
        mprotect(sharedEnd, page, PROT_NONE);
    }
};

thread_local Worker* tWorker = nullptr;

std::mutex gRegistryLock;
std::map<std::string, Kernel>& registry() {
    static std::map<std::string, Kernel> r;
    return r;
}

std::mutex gErrorLock;
std::string gLastError;

Worker& worker() { return *tWorker; }
Fiber& self() { return *tWorker->current; }

[[noreturn]] void fail_now(int code, const std::string& what);

void yield_to_scheduler() {
    Worker& w = worker();
    px_emu_switch(&w.current->sp, w.schedulerSp);
    if (w.failed) {  // resumed only to be abandoned: never happens, the scheduler stops first
        abort();
    }
}

std::string where(const Fiber& f) {
    char b[160];
    snprintf(b, sizeof b, "thread (%u,%u,%u)", f.ctx.threadIdx.x, f.ctx.threadIdx.y, f.ctx.threadIdx.z);
    return b;
}

std::string at(const char* file, int line) {
    if (!file) return "?";
    const char* base = strrchr(file, '/');
    return std::string(base ? base + 1 : file) + ":" + std::to_string(line);
}

[[noreturn]] void fail_now(int code, const std::string& what) {
    Worker& w = worker();
    char b[200];
    const px_emu_ctx_t& c = w.current->ctx;
    snprintf(b, sizeof b, "%s: block (%u,%u,%u) thread (%u,%u,%u): ", w.kernel ? w.kernel->name.c_str() : "?",
             c.blockIdx.x, c.blockIdx.y, c.blockIdx.z, c.threadIdx.x, c.threadIdx.y, c.threadIdx.z);
    w.failed = true;
    w.failCode = code;
    w.failure = b + what;
    px_emu_switch(&w.current->sp, w.schedulerSp);
    abort();  // a failed block is never resumed
}

// ---------------------------------------------------------------- async copies

void land(Fiber& f, unsigned long long beforeGroup) {  // completes the copies of groups < beforeGroup
    size_t keep = 0;
    for (size_t i = 0; i < f.copies.size(); i++) {
        Copy& c = f.copies[i];
        if (c.group < beforeGroup) {
            if (c.srcBytes > 0) memcpy(c.dst, c.src, (size_t)c.srcBytes);
            if (c.srcBytes < 16) memset(c.dst + c.srcBytes, 0, (size_t)(16 - c.srcBytes));
        } else {
            f.copies[keep++] = c;
        }
    }
    f.copies.resize(keep);
}

// ---------------------------------------------------------------- block barrier and thread exit

void release_barrier(Worker& w) {
    for (int i = 0; i < w.nThreads; i++)
        if (w.fibers[i].state == State::AtBarrier) w.fibers[i].state = State::Runnable;
    w.atBarrier = 0;
    w.barrierFile = nullptr;
}

void complete_collective(Worker& w, Warp& warp, int warpIndex);

void thread_exit(Worker& w, Fiber& f) {
    if (!f.wgmmas.empty()) {
        fail_now(719, "the thread exits with a wgmma.mma_async issued at " + at(f.wgmmas[0].file, f.wgmmas[0].line) +
                          " still in flight (no wgmma.wait_group for it)");
    }
    f.state = State::Done;
    land(f, ~0ull);  // copies still in flight at exit land anyway, as on the GPU
    w.live--;
    const int wi = f.tid / 32;
    Warp& warp = w.warps[wi];
    warp.live &= ~(1u << (f.tid % 32));
    if (warp.arrived != 0 && warp.arrived == warp.live) complete_collective(w, warp, wi);
    if (w.atBarrier > 0 && w.atBarrier == w.live) release_barrier(w);
}

extern "C" void px_emu_fiber_main() {
    Worker& w = worker();
    w.kernel->call(w.params);
    thread_exit(w, *w.current);
    px_emu_switch(&w.current->sp, w.schedulerSp);
    abort();  // a finished fiber is never resumed
}

void start_fiber(Fiber& f) {
    // Frame read by px_emu_switch, from the stack pointer up: MXCSR + x87 control word, r15, r14,
    // r13, r12, rbx, rbp, return address. The return lands in px_emu_fiber_main with the stack
    // aligned as after a call (rsp = 8 mod 16).
    uintptr_t top = (uintptr_t)f.stackTop & ~(uintptr_t)15;
    uint64_t* sp = (uint64_t*)(top - 16);
    sp[0] = (uint64_t)(uintptr_t)&px_emu_fiber_main;
    sp -= 7;
    for (int i = 1; i < 7; i++) sp[i] = 0;
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    sp[0] = (uint64_t)mxcsr | ((uint64_t)fpucw << 32);
    f.sp = sp;
}

// ---------------------------------------------------------------- running a block

// PANAMAX_EMU_ORDER (or px_emu_set_order): how each scheduling pass runs a block's threads:
//   forward   (0, default) every runnable thread, thread 0 first;
//   reverse   (1) every runnable thread, the last first;
//   alternate (2) forward and reverse passes in turn;
//   warps     (3) only the lowest warp that can move, lane 0 first: one warp runs as far ahead as
//             it can (to a block barrier) before the next moves at all.
// A kernel that depends on the order (a missing barrier between plain shared-memory accesses, a
// stage refilled while another warp may still read it) fails under one of them.
std::atomic<int> gOrder{-1};

int schedule_order() {
    int o = gOrder.load();
    if (o >= 0) return o;
    const char* v = getenv("PANAMAX_EMU_ORDER");
    o = 0;
    if (v && *v) {
        if (strcmp(v, "reverse") == 0) o = 1;
        else if (strcmp(v, "alternate") == 0) o = 2;
        else if (strcmp(v, "warps") == 0) o = 3;
        else if (strcmp(v, "forward") != 0)
            fprintf(stderr, "[cuda-emu] PANAMAX_EMU_ORDER=%s: expected forward, reverse, alternate or warps; running forward\n", v);
    }
    gOrder.store(o);
    return o;
}

bool run_block(Worker& w, const unsigned grid[3], const unsigned block[3], unsigned bx, unsigned by, unsigned bz) {
    const int n = (int)(block[0] * block[1] * block[2]);
    w.nThreads = n;
    w.live = n;
    w.atBarrier = 0;
    w.barrierFile = nullptr;
    w.failed = false;
    memset(w.shared, 0xff, w.sharedBytes);  // uninitialized shared memory: NaN in every float type
    for (int wi = 0; wi < (n + 31) / 32; wi++) {
        Warp& warp = w.warps[wi];
        const int lanes = std::min(32, n - wi * 32);
        warp.live = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1u);
        warp.arrived = 0;
        warp.op = Op::None;
    }
    for (int t = 0; t < n; t++) {
        Fiber& f = w.fibers[t];
        f.tid = t;
        f.ctx.threadIdx = {t % block[0], (t / block[0]) % block[1], t / (block[0] * block[1])};
        f.ctx.blockIdx = {bx, by, bz};
        f.ctx.blockDim = {block[0], block[1], block[2]};
        f.ctx.gridDim = {grid[0], grid[1], grid[2]};
        f.state = State::Runnable;
        f.copies.clear();
        f.committed = 0;
        f.wgmmas.clear();
        f.wgCommitted = 0;
        f.file = nullptr;
        start_fiber(f);
    }
    const int order = schedule_order();
    for (unsigned pass = 0; w.live > 0; pass++) {
        bool moved = false;
        const bool backwards = order == 1 || (order == 2 && (pass & 1));
        int first = 0, last = n;  // the threads this pass may run
        if (order == 3) {
            int t = 0;
            while (t < n && w.fibers[t].state != State::Runnable) t++;
            first = t / 32 * 32;
            last = std::min(n, first + 32);
        }
        for (int i = first; i < last; i++) {
            Fiber& f = w.fibers[backwards ? n - 1 - i : i];
            if (f.state != State::Runnable) continue;
            moved = true;
            w.current = &f;
            px_emu_switch(&w.schedulerSp, f.sp);
            if (w.failed) return false;
        }
        if (!moved) {
            std::string s = "deadlock: no thread can move;";
            int shown = 0;
            for (int t = 0; t < n && shown < 8; t++) {
                const Fiber& f = w.fibers[t];
                if (f.state == State::Done) continue;
                s += " " + where(f) + (f.state == State::AtBarrier ? " at __syncthreads " : " at a warp collective ") +
                     at(f.file, f.line) + ";";
                shown++;
            }
            char b[160];
            snprintf(b, sizeof b, "%s: block (%u,%u,%u): ", w.kernel->name.c_str(), bx, by, bz);
            w.failed = true;
            w.failCode = 719;
            w.failure = b + s;
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------- the worker pool

struct Launch {
    const Kernel* kernel;
    unsigned grid[3], block[3];
    unsigned dynamicShared;
    void** params;
    unsigned long long blocks;
    std::atomic<unsigned long long> next{0};
    std::atomic<bool> failed{false};
    std::mutex lock;
    int code = 0;
    std::string failure;
};

void run_blocks(Launch& L) {
    if (!tWorker) tWorker = new Worker();  // lives as long as its thread (the pool's, never joined)
    Worker& w = *tWorker;
    if (!w.setupError.empty()) {
        std::lock_guard<std::mutex> g(L.lock);
        if (!L.failed.exchange(true)) {
            L.code = 2;  // CUDA_ERROR_OUT_OF_MEMORY
            L.failure = L.kernel->name + ": the emulator's worker thread has no memory to run blocks: " + w.setupError;
        }
        return;
    }
    w.kernel = L.kernel;
    w.params = L.params;
    const uint32_t dyn = (L.dynamicShared + 127u) & ~127u;
    w.shared = w.sharedEnd - dyn;
    w.sharedBytes = L.dynamicShared;
    unsigned long long b;
    while (!L.failed.load() && (b = L.next.fetch_add(1)) < L.blocks) {
        const unsigned bx = (unsigned)(b % L.grid[0]);
        const unsigned by = (unsigned)((b / L.grid[0]) % L.grid[1]);
        const unsigned bz = (unsigned)(b / ((unsigned long long)L.grid[0] * L.grid[1]));
        if (!run_block(w, L.grid, L.block, bx, by, bz)) {
            std::lock_guard<std::mutex> g(L.lock);
            if (!L.failed.exchange(true)) {
                L.code = w.failCode;
                L.failure = w.failure;
            }
            break;
        }
    }
}

class Pool {
   public:
    void run(Launch& L) {
        std::unique_lock<std::mutex> g(lock_);
        if (threads_.empty()) start();
        job_ = &L;
        const unsigned long long want = std::min<unsigned long long>(L.blocks, threads_.size());
        pending_ = (int)want;
        generation_++;
        wake_.notify_all();
        done_.wait(g, [&] { return pending_ == 0; });
        job_ = nullptr;
    }

   private:
    void start() {
        unsigned n = std::thread::hardware_concurrency();
        if (const char* v = getenv("PANAMAX_EMU_THREADS")) n = (unsigned)atoi(v);
        n = std::max(1u, std::min(n, 16u));
        for (unsigned i = 0; i < n; i++) threads_.emplace_back([this, i] { loop(i); });
        for (auto& t : threads_) t.detach();
    }
    void loop(unsigned index) {
        unsigned long long seen = 0;
        std::unique_lock<std::mutex> g(lock_);
        for (;;) {
            wake_.wait(g, [&] { return generation_ != seen; });
            seen = generation_;
            Launch* L = job_;
            if (!L || index >= (unsigned)std::min<unsigned long long>(L->blocks, threads_.size())) continue;
            g.unlock();
            run_blocks(*L);
            g.lock();
            if (--pending_ == 0) done_.notify_all();
        }
    }
    std::mutex lock_;
    std::condition_variable wake_, done_;
    std::vector<std::thread> threads_;
    Launch* job_ = nullptr;
    int pending_ = 0;
    unsigned long long generation_ = 0;
};

Pool& pool() {
    static Pool* p = new Pool();  // never destroyed: its threads outlive static destructors
    return *p;
}

std::mutex gLaunchLock;  // one launch at a time, as one stream runs them

// ---------------------------------------------------------------- warp collectives

uint32_t lane_bit(int lane) { return 1u << lane; }

// Arrives at the warp's current collective with this lane's inputs already in its slot.
void arrive(Op op, uint32_t mask, const char* file, int line) {
    Worker& w = worker();
    Fiber& f = self();
    const int wi = f.tid / 32, lane = f.tid % 32;
    Warp& warp = w.warps[wi];
    Lane& me = warp.lanes[lane];
    if ((mask & lane_bit(lane)) == 0) fail_now(719, op_name(op) + std::string(" at ") + at(file, line) +
                                                        " by a lane outside its own mask");
    if (warp.arrived == 0) {
        warp.op = op;
    } else if (warp.op != op) {
        int other = __builtin_ctz(warp.arrived);
        fail_now(719, std::string("warp divergence: ") + op_name(op) + " at " + at(file, line) + " while lane " +
                          std::to_string(other) + " waits at " + op_name(warp.op) + " at " +
                          at(warp.lanes[other].file, warp.lanes[other].line) +
                          " (the emulator runs warp collectives converged only)");
    }
    me.op = op;
    me.mask = mask;
    me.file = file;
    me.line = line;
    f.file = file;
    f.line = line;
    warp.arrived |= lane_bit(lane);
    f.state = State::AtCollective;
    if (warp.arrived == warp.live) {
        complete_collective(w, warp, wi);
    } else {
        yield_to_scheduler();
    }
}

uint32_t shfl_source(const Lane& l, int lane) {
    const int width = l.width, seg = lane & ~(width - 1);
    if (l.mode == 0) return (uint32_t)(seg + (l.arg & (width - 1)));  // idx
    const int s = lane ^ l.arg;                                        // xor: a lane past the segment reads itself
    return (uint32_t)(s >= seg + width ? lane : s);
}

// m16n8k32 with s8 operands and s32 accumulators (PTX ISA, "Matrix Fragments for mma.m16n8k32"):
// g = lane / 4, t = lane % 4; register byte i (lowest first) is element i. A row-major [16][32]:
// a0 (g, 4t..4t+3), a1 (g+8, 4t..), a2 (g, 16+4t..), a3 (g+8, 16+4t..); B column-major [32][8]:
// b0 (k 4t..4t+3, n g), b1 (k 16+4t.., n g); C/D as m16n8k16's, 32-bit integers in the float
// slots. The sums are exact (what the hardware gives without .satfinite, as long as no sum
// leaves the 32-bit range, which the kernels guarantee).
void run_mma_s8(const Lane* L, Lane* M) {
    auto elem = [](uint32_t reg, int i) { return (int)(int8_t)(reg >> (8 * i)); };
    int A[16][32], B[32][8], C[16][8];
    for (int l = 0; l < 32; l++) {
        const int g = l / 4, t = l % 4;
        for (int e = 0; e < 4; e++) {
            A[g][4 * t + e] = elem(L[l].a[0], e);
            A[g + 8][4 * t + e] = elem(L[l].a[1], e);
            A[g][16 + 4 * t + e] = elem(L[l].a[2], e);
            A[g + 8][16 + 4 * t + e] = elem(L[l].a[3], e);
            B[4 * t + e][g] = elem(L[l].b[0], e);
            B[16 + 4 * t + e][g] = elem(L[l].b[1], e);
        }
        for (int e = 0; e < 2; e++) {
            memcpy(&C[g][2 * t + e], &L[l].c[e], 4);
            memcpy(&C[g + 8][2 * t + e], &L[l].c[2 + e], 4);
        }
    }
    for (int l = 0; l < 32; l++) {
        const int g = l / 4, t = l % 4;
        for (int q = 0; q < 4; q++) {
            const int r = g + (q >= 2 ? 8 : 0), c = 2 * t + (q & 1);
            int64_t s = C[r][c];
            for (int k = 0; k < 32; k++) s += (int64_t)A[r][k] * B[k][c];
            const int32_t v = (int32_t)(uint32_t)(uint64_t)s;
            memcpy(&M[l].d[q], &v, 4);
        }
    }
}

void complete_collective(Worker& w, Warp& warp, int wi) {
    const uint32_t in = warp.arrived;
    const Lane* L = warp.lanes;
    const int first = __builtin_ctz(in);
    for (int l = 0; l < 32; l++) {  // every arrived lane names the same set, and every live lane of it came
        if (!(in & lane_bit(l))) continue;
        if (L[l].mask != L[first].mask) {
            w.current = &w.fibers[wi * 32 + l];
            fail_now(719, std::string(op_name(warp.op)) + " at " + at(L[l].file, L[l].line) + ": lanes " +
                              std::to_string(first) + " and " + std::to_string(l) + " give different masks");
        }
    }
    const uint32_t mask = L[first].mask;
    if ((mask & warp.live) != in) {
        fail_now(719, std::string(op_name(warp.op)) + " at " + at(L[first].file, L[first].line) +
                          ": the mask names a live lane that did not arrive");
    }
    if (warp.op == Op::Ldmatrix || warp.op == Op::Mma) {
        if (in != 0xffffffffu) {
            fail_now(719, std::string(op_name(warp.op)) + " at " + at(L[first].file, L[first].line) +
                              " (.sync.aligned) needs all 32 lanes of the warp");
        }
    }
    Lane* M = warp.lanes;
    switch (warp.op) {
        case Op::Shfl:
            for (int l = 0; l < 32; l++) {
                if (!(in & lane_bit(l))) continue;
                const uint32_t s = shfl_source(L[l], l);
                if (!(in & lane_bit((int)s))) {
                    w.current = &w.fibers[wi * 32 + l];
                    fail_now(719, "shuffle at " + at(L[l].file, L[l].line) + " reads lane " + std::to_string(s) +
                                      ", which is not in the mask or has exited (undefined)");
                }
                M[l].out[0] = L[s].v;
            }
            break;
        case Op::Ldmatrix: {
            // Lanes 8i .. 8i+7 give the row addresses of matrix i (16 bytes each). Lane l receives,
            // for each matrix i, row l/4 columns 2(l%4), 2(l%4)+1 (or, with .trans, column l/4 rows
            // 2(l%4), 2(l%4)+1) as one 32-bit register, the lower column or row in the low half.
            if (L[0].trans != L[31].trans) fail_now(719, "ldmatrix: lanes disagree on .trans");
            uint16_t m[4][8][8];
            for (int i = 0; i < 4; i++)
                for (int r = 0; r < 8; r++) {
                    const Lane& src = L[8 * i + r];
                    memcpy(m[i][r], px_emu_shared_ptr(src.addr, 16, 16, src.file, src.line), 16);
                }
            for (int l = 0; l < 32; l++)
                for (int i = 0; i < 4; i++) {
                    uint16_t lo, hi;
                    if (L[l].trans) {
                        lo = m[i][2 * (l % 4)][l / 4];
                        hi = m[i][2 * (l % 4) + 1][l / 4];
                    } else {
                        lo = m[i][l / 4][2 * (l % 4)];
                        hi = m[i][l / 4][2 * (l % 4) + 1];
                    }
                    M[l].out[i] = (uint32_t)lo | ((uint32_t)hi << 16);
                }
            break;
        }
        case Op::Mma: {
            // m16n8k16, A row-major [16][16], B column-major [16][8] (k by n), C/D [16][8] F32.
            // g = lane / 4, t = lane % 4. A: a0 (g, 2t..2t+1), a1 (g+8, 2t..), a2 (g, 2t+8..),
            // a3 (g+8, 2t+8..); B: b0 (k 2t..2t+1, n g), b1 (k 2t+8.., n g); C/D: c0,c1 (g, 2t..2t+1),
            // c2,c3 (g+8, 2t..2t+1). (PTX ISA, "Matrix Fragments for mma.m16n8k16".)
            const int kind = L[0].kind;
            for (int l = 1; l < 32; l++)
                if (L[l].kind != kind) fail_now(719, "mma.sync: lanes disagree on the element type");
            if (kind == 2) {  // m16n8k32 s8: the same places, four 8-bit elements to a register
                run_mma_s8(L, M);
                break;
            }
            auto elem = [kind](uint32_t reg, int half) {
                const uint16_t h = (uint16_t)(half ? reg >> 16 : reg & 0xffffu);
                return kind == 0 ? px_emu_bf16_to_f32(h) : px_emu_f16_to_f32(h);
            };
            float A[16][16], B[16][8], C[16][8];
            for (int l = 0; l < 32; l++) {
                const int g = l / 4, t = l % 4;
                for (int e = 0; e < 2; e++) {
                    A[g][2 * t + e] = elem(L[l].a[0], e);
                    A[g + 8][2 * t + e] = elem(L[l].a[1], e);
                    A[g][2 * t + 8 + e] = elem(L[l].a[2], e);
                    A[g + 8][2 * t + 8 + e] = elem(L[l].a[3], e);
                    B[2 * t + e][g] = elem(L[l].b[0], e);
                    B[2 * t + 8 + e][g] = elem(L[l].b[1], e);
                    C[g][2 * t + e] = L[l].c[e];
                    C[g + 8][2 * t + e] = L[l].c[2 + e];
                }
            }
            float D[16][8];
            for (int r = 0; r < 16; r++)
                for (int c = 0; c < 8; c++) {
                    double s = C[r][c];
                    for (int k = 0; k < 16; k++) s += (double)A[r][k] * (double)B[k][c];
                    D[r][c] = (float)s;
                }
            for (int l = 0; l < 32; l++) {
                const int g = l / 4, t = l % 4;
                M[l].d[0] = D[g][2 * t];
                M[l].d[1] = D[g][2 * t + 1];
                M[l].d[2] = D[g + 8][2 * t];
                M[l].d[3] = D[g + 8][2 * t + 1];
            }
            break;
        }
        default: break;
    }
    for (int l = 0; l < 32; l++)
        if (in & lane_bit(l)) w.fibers[wi * 32 + l].state = State::Runnable;
    warp.arrived = 0;
    warp.op = Op::None;
}

}  // namespace

// ================================================================ the C entry points

extern "C" {

void px_emu_register(const char* name, px_emu_trampoline call, int paramBytes) {
    std::lock_guard<std::mutex> g(gRegistryLock);
    Kernel& k = registry()[name];
    k.name = name;
    k.call = call;
    k.paramBytes = paramBytes;
}

// PANAMAX_EMU_STATS=FILE: at exit, every registered kernel and how many launches it ran, appended to FILE.
static void write_stats() {
    const char* path = getenv("PANAMAX_EMU_STATS");
    FILE* f = path ? fopen(path, "a") : nullptr;
    if (!f) return;
    std::lock_guard<std::mutex> g(gRegistryLock);
    for (auto& e : registry()) fprintf(f, "%s %llu\n", e.first.c_str(), e.second.launches);
    fclose(f);
}
__attribute__((constructor)) static void install_stats() {
    if (getenv("PANAMAX_EMU_STATS")) atexit(write_stats);
}

const void* px_emu_find(const char* name, int* paramBytes) {
    std::lock_guard<std::mutex> g(gRegistryLock);
    auto it = registry().find(name);
    if (it == registry().end()) return nullptr;
    *paramBytes = it->second.paramBytes;
    return &it->second;
}

int px_emu_launch(const void* kernel, const unsigned grid[3], const unsigned block[3], unsigned dynamicShared,
                  void** params) {
    std::lock_guard<std::mutex> serial(gLaunchLock);
    const Kernel* k = (const Kernel*)kernel;
    const unsigned long long threads = (unsigned long long)block[0] * block[1] * block[2];
    if (threads == 0 || threads > (unsigned long long)kMaxThreads || dynamicShared > kSharedBytes) return 1;
    Launch L;
    L.kernel = k;
    memcpy(L.grid, grid, sizeof L.grid);
    memcpy(L.block, block, sizeof L.block);
    L.dynamicShared = dynamicShared;
    L.params = params;
    L.blocks = (unsigned long long)grid[0] * grid[1] * grid[2];
    pool().run(L);
    const_cast<Kernel*>(k)->launches++;
    std::lock_guard<std::mutex> g(gErrorLock);
    if (L.failed.load()) {
        gLastError = L.failure;
        fprintf(stderr, "[cuda-emu] %s\n", L.failure.c_str());
        fflush(stderr);
        return L.code;
    }
    return 0;
}

const char* px_emu_last_error(void) {
    std::lock_guard<std::mutex> g(gErrorLock);
    return gLastError.c_str();
}

void px_emu_set_order(int order) { gOrder.store(order >= 0 && order <= 3 ? order : -1); }


const px_emu_ctx_t* px_emu_ctx(void) { return &tWorker->current->ctx; }

void px_emu_sync_block(const char* file, int line) {
    Worker& w = worker();
    Fiber& f = self();
    if (w.atBarrier == 0) {
        w.barrierFile = file;
        w.barrierLine = line;
    } else if (w.barrierLine != line || strcmp(w.barrierFile, file) != 0) {
        fail_now(719, "__syncthreads at " + at(file, line) + " while other threads wait at the one at " +
                          at(w.barrierFile, w.barrierLine) + " (a barrier in divergent code)");
    }
    f.file = file;
    f.line = line;
    f.state = State::AtBarrier;
    w.atBarrier++;
    if (w.atBarrier == w.live) {
        release_barrier(w);
        // the last to arrive yields too, so the block resumes in thread order
    }
    yield_to_scheduler();
}


void px_emu_trap(const char* file, int line) { fail_now(710, "__trap() at " + at(file, line)); }

// Misaligned accesses. A GPU faults on a load or store through a pointer that is not aligned to
// its type (a uint4 or float4 off a 16-byte boundary, a float2 off 8, a __half2 off 4), where a
// host CPU just reads; tensor views put operands at any multiple of their element size, so a
// kernel must test alignment before each vector access. The kernels are compiled with
// -fsanitize=alignment (build.sh), which calls these (the UBSan runtime's ABI, no runtime linked)
// before such an access: the launch fails as the GPU's would, naming the source line.
struct PxUbsanLocation { const char* file; uint32_t line; uint32_t column; };
struct PxUbsanTypeMismatch { PxUbsanLocation loc; const void* type; unsigned char logAlignment; unsigned char kind; };

[[noreturn]] static void misaligned(const PxUbsanTypeMismatch* d, uintptr_t pointer) {
    char b[160];
    if (pointer == 0) {
        snprintf(b, sizeof b, "an access through a null pointer");
    } else {
        snprintf(b, sizeof b, "a %u-byte access at the misaligned address 0x%llx", 1u << d->logAlignment,
                 (unsigned long long)pointer);
    }
    fail_now(719, std::string(b) + " (" + at(d->loc.file, (int)d->loc.line) + ")");
}

void __ubsan_handle_type_mismatch_v1(const PxUbsanTypeMismatch* d, uintptr_t pointer) { misaligned(d, pointer); }
void __ubsan_handle_type_mismatch_v1_abort(const PxUbsanTypeMismatch* d, uintptr_t pointer) { misaligned(d, pointer); }

uint32_t px_emu_shfl(uint32_t mask, uint32_t v, int arg, int width, int mode, const char* file, int line) {
    if (width <= 0 || width > 32 || (width & (width - 1))) fail_now(719, "shuffle width must be a power of 2 <= 32");
    Fiber& f = self();
    Lane& me = worker().warps[f.tid / 32].lanes[f.tid % 32];
    me.v = v;
    me.arg = arg;
    me.width = width;
    me.mode = mode;
    arrive(Op::Shfl, mask, file, line);
    return me.out[0];
}



uint32_t px_emu_shared_addr(const void* p, const char* file, int line) {
    Worker& w = worker();
    const unsigned char* q = (const unsigned char*)p;
    if (q < w.shared || q > w.shared + w.sharedBytes) {
        fail_now(719, "the emulator maps only dynamic shared memory into the .shared window (" + at(file, line) + ")");
    }
    return kWindowBase + (uint32_t)(q - w.shared);
}

void* px_emu_shared_ptr(uint32_t addr, uint32_t bytes, uint32_t align, const char* file, int line) {
    Worker& w = worker();
    if (addr % align != 0) {
        char b[96];
        snprintf(b, sizeof b, "shared address 0x%x is not %u-byte aligned", addr, align);
        fail_now(719, std::string(b) + " (" + at(file, line) + ")");
    }
    if (addr < kWindowBase || (unsigned long long)addr - kWindowBase + bytes > w.sharedBytes) {
        char b[160];
        snprintf(b, sizeof b, "shared address 0x%x + %u is outside the %u bytes of dynamic shared memory", addr,
                 bytes, w.sharedBytes);
        fail_now(719, std::string(b) + " (" + at(file, line) + ")");
    }
    return w.shared + (addr - kWindowBase);
}

void* px_emu_dynamic_shared(void) { return worker().shared; }

void px_emu_cp_async16(uint32_t dst, const void* src, int srcBytes, const char* file, int line) {
    Fiber& f = self();
    unsigned char* d = (unsigned char*)px_emu_shared_ptr(dst, 16, 16, file, line);
    if (srcBytes < 0 || srcBytes > 16) fail_now(719, "cp.async src-size must be 0..16 (" + at(file, line) + ")");
    if (srcBytes > 0 && ((uintptr_t)src & 15u) != 0) {
        fail_now(719, "cp.async.cg reads a global address that is not 16-byte aligned (" + at(file, line) + ")");
    }
    memset(d, 0xff, 16);
    f.copies.push_back(Copy{d, (const unsigned char*)src, srcBytes, f.committed});
}

void px_emu_cp_async_commit(void) { self().committed++; }

void px_emu_cp_async_wait(int pendingAllowed) {
    Fiber& f = self();
    // Let the rest of the block run first: a thread that reads another's copies without a barrier
    // then finds them still in flight.
    f.state = State::Runnable;
    yield_to_scheduler();
    if (pendingAllowed < 0) {
        land(f, ~0ull);
    } else if (f.committed > (unsigned long long)pendingAllowed) {
        land(f, f.committed - (unsigned long long)pendingAllowed);
    }
}

void px_emu_ldmatrix_x4(uint32_t addr, int trans, uint32_t out[4], const char* file, int line) {
    Fiber& f = self();
    Lane& me = worker().warps[f.tid / 32].lanes[f.tid % 32];
    me.addr = addr;
    me.trans = trans;
    arrive(Op::Ldmatrix, 0xffffffffu, file, line);
    memcpy(out, me.out, 16);
}

void px_emu_mma_m16n8k32_s8(int d[4], const uint32_t a[4], uint32_t b0, uint32_t b1, const char* file, int line) {
    Fiber& f = self();
    Lane& me = worker().warps[f.tid / 32].lanes[f.tid % 32];
    me.kind = 2;
    memcpy(me.a, a, 16);
    me.b[0] = b0;
    me.b[1] = b1;
    memcpy(me.c, d, 16);  // the 32-bit integers travel in the float slots, bit for bit
    arrive(Op::Mma, 0xffffffffu, file, line);
    memcpy(d, me.d, 16);
}

void px_emu_mma_m16n8k16(int kind, float d[4], const uint32_t a[4], uint32_t b0, uint32_t b1, const char* file,
                         int line) {
    Fiber& f = self();
    Lane& me = worker().warps[f.tid / 32].lanes[f.tid % 32];
    me.kind = kind;
    memcpy(me.a, a, 16);
    me.b[0] = b0;
    me.b[1] = b1;
    memcpy(me.c, d, 16);
    arrive(Op::Mma, 0xffffffffu, file, line);
    memcpy(d, me.d, 16);
}

// ---------------------------------------------------------------- wgmma

namespace {

// A shared-memory matrix descriptor (PTX ISA "Matrix Descriptor Format"): start address, leading
// and stride byte offsets (each >> 4 in 14 bits), base offset (bits 49-51), swizzle (bits 62-63).
struct Descriptor {
    uint32_t start, lbo, sbo;
    int base, swizzle;
};

Descriptor decode(uint64_t d) {
    return Descriptor{(uint32_t)(d & 0x3fff) << 4, (uint32_t)((d >> 16) & 0x3fff) << 4,
                      (uint32_t)((d >> 32) & 0x3fff) << 4, (int)((d >> 49) & 7), (int)(d >> 62)};
}

// The .shared address of element (mn, k), k < 16, of a 16-bit operand in the canonical layouts
// with 128-byte swizzling (PTX ISA "Shared Memory Matrix Layout"), in bytes:
//   K-major  ((8,m),(T,2k)):((8T,SBO),(1,T)): row mn at (mn / 8) * SBO + (mn % 8) * 128, k contiguous;
//   MN-major ((T,8,m),(8,k)):((1,T,LBO),(8T,SBO)): mn contiguous in 64-element (128-byte) rows,
//            the next 64 at + LBO; k-row k at (k / 8) * SBO + (k % 8) * 128.
// The swizzle XORs address bits [4,7) with bits [7,10) of the address.
uint32_t operand_address(const Descriptor& d, bool mnMajor, int mn, int k) {
    const uint32_t logical = mnMajor ? d.start + (uint32_t)(mn % 64) * 2 + (uint32_t)(mn / 64) * d.lbo +
                                           (uint32_t)(k % 8) * 128 + (uint32_t)(k / 8) * d.sbo
                                     : d.start + (uint32_t)(mn / 8) * d.sbo + (uint32_t)(mn % 8) * 128 + (uint32_t)k * 2;
    return logical ^ (((logical >> 7) & 7u) << 4);
}

// This thread's part of one m64n256k16: d[4j + 2h + e] += sum_k A[16w + g + 8h][k] B[k][8j + 2q + e]
// for thread t of its warpgroup, w = t / 32, g = (t % 32) / 4, q = t % 4.
void run_wgmma(const Fiber& f, const Wgmma& op);

}  // namespace

void px_emu_wgmma_m64n256k16(int kind, float d[128], uint64_t descA, uint64_t descB, int aMN, int bMN,
                             const char* file, int line) {
    Worker& w = worker();
    Fiber& f = self();
    if (w.nThreads % 128 != 0) {
        fail_now(719, "wgmma at " + at(file, line) + " needs whole warpgroups: the block has " +
                          std::to_string(w.nThreads) + " threads");
    }
    f.wgmmas.push_back(Wgmma{d, descA, descB, kind, aMN, bMN, f.wgCommitted, file, line});
}

void px_emu_wgmma_commit(void) { self().wgCommitted++; }

namespace {

void run_wgmma(const Fiber& f, const Wgmma& op) {
    const Worker& w = worker();
    const Descriptor a = decode(op.descA), b = decode(op.descB);
    for (const Descriptor* x : {&a, &b}) {
        if (x->swizzle != 1 || x->base != 0) {
            fail_now(719, "wgmma at " + at(op.file, op.line) + ": the emulator models 128-byte swizzled "
                          "descriptors with base offset 0 only (swizzle " + std::to_string(x->swizzle) +
                          ", base offset " + std::to_string(x->base) + ")");
        }
    }
    const unsigned char* window = w.shared - kWindowBase;
    const uint32_t end = kWindowBase + w.sharedBytes;
    auto load = [&](const Descriptor& d, bool mnMajor, int mn, int k) {
        const uint32_t addr = operand_address(d, mnMajor, mn, k);
        if (addr < kWindowBase || addr + 2 > end) {
            fail_now(719, "wgmma at " + at(op.file, op.line) + ": operand element at shared address " +
                              std::to_string(addr) + ", outside the " + std::to_string(w.sharedBytes) +
                              " bytes of dynamic shared memory");
        }
        uint16_t h;
        memcpy(&h, window + addr, 2);
        return op.kind == 0 ? px_emu_bf16_to_f32(h) : px_emu_f16_to_f32(h);
    };
    const int t = f.tid % 128, wi = t / 32, g = (t % 32) / 4, q = t % 4;
    float av[2][16];
    for (int h = 0; h < 2; h++)
        for (int k = 0; k < 16; k++) av[h][k] = load(a, op.aMN != 0, 16 * wi + g + 8 * h, k);
    for (int j = 0; j < 32; j++)
        for (int e = 0; e < 2; e++) {
            const int col = 8 * j + 2 * q + e;
            float bv[16];
            for (int k = 0; k < 16; k++) bv[k] = load(b, op.bMN != 0, col, k);
            for (int h = 0; h < 2; h++) {
                double s = op.d[4 * j + 2 * h + e];
                for (int k = 0; k < 16; k++) s += (double)av[h][k] * (double)bv[k];
                op.d[4 * j + 2 * h + e] = (float)s;
            }
        }
}

}  // namespace

void px_emu_wgmma_wait(int pendingAllowed) {
    Fiber& f = self();
    f.state = State::Runnable;
    yield_to_scheduler();  // the rest of the block runs first, as far as it can
    const unsigned long long limit =
        f.wgCommitted > (unsigned long long)pendingAllowed ? f.wgCommitted - (unsigned long long)pendingAllowed : 0;
    size_t keep = 0;
    for (size_t i = 0; i < f.wgmmas.size(); i++) {
        if (f.wgmmas[i].group < limit) {
            run_wgmma(f, f.wgmmas[i]);
        } else {
            f.wgmmas[keep++] = f.wgmmas[i];
        }
    }
    f.wgmmas.resize(keep);
}

}  // extern "C"
