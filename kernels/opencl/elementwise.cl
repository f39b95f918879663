// Elementwise ops over n elements: out[i] = op(a[i], b[i % b_size]), a, b and out all ELEM_DTYPE,
// F32 arithmetic, 64-bit indices.
//   add, mul      b is a suffix of a's shape, repeated over a's leading dimensions (b_size divides n)
//   gelu_erf      0.5 x erfc(-x / sqrt 2), which is 0.5 x (1 + erf(x / sqrt 2)) without the
//                 cancellation of 1 + erf on the negative tail
//   gelu_tanh     0.5 x (1 + tanh(y)) = x sigmoid(2y), y = sqrt(2/pi) (x + 0.044715 x^3)
//   silu          x sigmoid(x)
//   swiglu        silu(a) * b, b of a's shape (b_size == n)
// sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e) with e = exp(-|z|): nothing overflows and the small side
// keeps its precision. A NaN spoils only its own element.
//
// Variants, one kernel per op: elementwise_add, elementwise_mul, elementwise_gelu_erf,
// elementwise_gelu_tanh, elementwise_silu, elementwise_swiglu (the unary ones ignore b). Each
// work-item takes elements get_global_id(0) + k * get_global_size(0) (a grid-stride loop, so that
// the host launches a bounded grid for any n and accesses stay coalesced); b's index follows it
// with one compare per step (it advances by the grid size mod b_size and wraps), not a division
// per element.
// Aliasing: a NULL b means b is a (x * x); a NULL out means out is a (in place). The host never
// binds one buffer to two arguments; every element is read before it is written, by the same
// work-item.
#include "common.h"
#include "params.h"

// x * sigmoid(z).
inline float times_sigmoid(float x, float z) {
    const float e = exp(-fabs(z));
    return x * ((z >= 0.0f ? 1.0f : e) / (1.0f + e));
}

#define OP_ADD(x, y) ((x) + (y))
#define OP_MUL(x, y) ((x) * (y))
#define OP_GELU_ERF(x, y) (0.5f * (x) * erfc(-(x) * M_SQRT1_2_F))
#define OP_GELU_TANH(x, y) times_sigmoid((x), 1.5957691216057308f * (x) * fma(0.044715f * (x), (x), 1.0f))
#define OP_SILU(x, y) times_sigmoid((x), (x))
#define OP_SWIGLU(x, y) (times_sigmoid((x), (x)) * (y))

#define ELEMENTWISE_KERNEL(NAME, OP)                                                                    \
    __kernel void NAME(__global elem_t *a, const __global elem_t *b, __global elem_t *out,              \
                       const ElementwiseParams p) {                                                     \
        const __global elem_t *bs = b ? b : (const __global elem_t *) a;                               \
        __global elem_t *os = out ? out : a;                                                            \
        const ulong stride = get_global_size(0);                                                        \
        const ulong step = stride % p.b_size;                                                           \
        ulong i = get_global_id(0);                                                                     \
        ulong j = i % p.b_size;                                                                         \
        for (; i < p.n; i += stride) {                                                                  \
            const float x = load_elem(a, i);                                                            \
            const float y = load_elem(bs, j);                                                           \
            store_elem(os, i, OP(x, y));                                                                \
            j += step;                                                                                  \
            j = j >= p.b_size ? j - p.b_size : j;                                                       \
        }                                                                                               \
    }

ELEMENTWISE_KERNEL(elementwise_add, OP_ADD)
ELEMENTWISE_KERNEL(elementwise_mul, OP_MUL)
ELEMENTWISE_KERNEL(elementwise_gelu_erf, OP_GELU_ERF)
ELEMENTWISE_KERNEL(elementwise_gelu_tanh, OP_GELU_TANH)
ELEMENTWISE_KERNEL(elementwise_silu, OP_SILU)
ELEMENTWISE_KERNEL(elementwise_swiglu, OP_SWIGLU)
