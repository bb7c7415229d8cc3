// The table of JSON-RPC endpoint versions a cluster serves (GetAPI.supportedVersions).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace element_sim {

struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// The newest endpoint served (the last entry of supported_versions()): a cluster's currentVersion is
// its highest supportedVersion, and the SDK refuses endpoints that GetAPI does not list.
inline constexpr ApiVersion kCurrentApiVersion{12, 5};
inline constexpr const char* kClusterVersion = "12.5.0.897";
// The first endpoint whose Create/Clone/Modify/DeleteVolume results carry the `volume` object
// (README: GAP decisions).
inline constexpr ApiVersion kVolumeInResultsSince{8, 0};

// Versions served at /json-rpc/<v>, ascending.
const std::vector<ApiVersion>& supported_versions();
// Exact match against the table ("12.3"; "12.30" and "12" are not supported).
std::optional<ApiVersion> find_supported_version(std::string_view text);

}  // namespace element_sim
