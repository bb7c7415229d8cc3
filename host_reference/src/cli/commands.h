// The vdp-host commands. Each returns the process exit status; HostError escapes as exit status 3.
#pragma once

#include "options.h"

namespace vdp::host::cli {

int cmd_info(const Options& o);
int cmd_call(const Options& o);
int cmd_run(const Options& o);
int cmd_demo(const Options& o);
int cmd_bench(const Options& o);

}  // namespace vdp::host::cli
