#pragma once

#include <string>

namespace vdp_host_test {

inline std::string fake_plugin(const std::string& variant = "vdp_fake") {
  return std::string(VDP_FAKE_PLUGIN_DIR) + "/" + variant + ".so";
}

}  // namespace vdp_host_test
