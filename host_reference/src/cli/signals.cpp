#include "signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace vdp::host::cli {
namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_interrupts{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void write_stderr(const char* s) noexcept {
  const ssize_t r = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)r;
}

extern "C" void on_sigint(int) {
  if (g_interrupts.fetch_add(1) == 0) {
    g_cancel.store(true);
    write_stderr("\nvdp-host: cancelling (press Ctrl-C again to exit now)\n");
  } else {
    write_stderr("\nvdp-host: interrupted\n");
    ::_exit(130);
  }
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = &on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
}

std::atomic<bool>& cancel_flag() { return g_cancel; }

}  // namespace vdp::host::cli
