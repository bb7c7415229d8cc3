// Ctrl-C handling: the first SIGINT sets the cancel flag of in-flight calls, the second exits.
#pragma once

#include <atomic>

namespace vdp::host::cli {

void install_interrupt_handler();
std::atomic<bool>& cancel_flag();

}  // namespace vdp::host::cli
