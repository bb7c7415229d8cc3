#pragma once

#include <string>

namespace vdp::host::cli {

// Help for one command ("" = general usage); empty string when the command is unknown.
std::string help_text(const std::string& command);

}  // namespace vdp::host::cli
