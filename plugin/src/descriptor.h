// The plugin's static descriptor and the operations it serves, both derived from VDP_OPERATIONS.
#pragma once

#include <string>
#include <vector>

#include "vdp/vdp.h"

namespace sfplugin {

// The descriptor vdp_plugin_entry hands out: static, immutable, every operation slot filled.
const vdp_plugin& descriptor() noexcept;

// "setup" and then, in descriptor order, every operation whose slot does not refuse: describe's list.
std::vector<std::string> served_operations();

}  // namespace sfplugin
