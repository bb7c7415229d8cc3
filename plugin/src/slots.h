// The descriptor's operation slots, one per entry of VDP_OPERATIONS (vdp/vdp_operations.h).
//
// Slot<op>::call is what the descriptor puts in op's slot. The primary template refuses: an operation
// the driver does not serve answers NOT_SUPPORTED (refuse(), the only place that does) and is left out of
// describe. A served operation specialises Slot with VDP_SERVED (operations.h) and defines
// Slot<Op::op>::call beside its handler code. The specialisation is declared in a header because C++
// requires it to be visible wherever the slot is used (descriptor.cpp, describe).
#pragma once

#include <cstddef>
#include <iterator>

#include "vdp/vdp.h"
#include "vdp/vdp_operations.h"

namespace sfplugin {

enum class Op : size_t {
#define VDP_OP_ENUMERATOR(op) op,
  VDP_OPERATIONS(VDP_OP_ENUMERATOR)
#undef VDP_OP_ENUMERATOR
};

inline constexpr const char* kOpNames[] = {
#define VDP_OP_NAME(op) #op,
    VDP_OPERATIONS(VDP_OP_NAME)
#undef VDP_OP_NAME
};
inline constexpr size_t kOpCount = std::size(kOpNames);

constexpr const char* op_name(Op op) { return kOpNames[static_cast<size_t>(op)]; }

// NOT_SUPPORTED with an error object naming the operation (after the pointer contract, vdp.h).
vdp_status refuse(Op op, vdp_driver* drv, vdp_context* ctx, const char* req, char** out, size_t* out_len) noexcept;

struct Refusing {};

template <Op op>
struct Slot : Refusing {
  static vdp_status call(vdp_driver* drv, vdp_context* ctx, const char* req, size_t, char** out,
                         size_t* out_len) noexcept {
    return refuse(op, drv, ctx, req, out, out_len);
  }
};

// Declares that this plugin serves `op`: Slot<Op::op>::call is defined in the handler's source file.
#define VDP_SERVED(op)                                                                                 \
  template <>                                                                                          \
  struct Slot<Op::op> {                                                                                \
    static vdp_status call(vdp_driver* drv, vdp_context* ctx, const char* req, size_t req_len, char** out, \
                           size_t* out_len) noexcept;                                                  \
  }

}  // namespace sfplugin
