#include "api_version.h"

namespace element_sim {

const std::vector<ApiVersion>& supported_versions() {
  static const std::vector<ApiVersion> table = {
      {1, 0},  {2, 0},  {3, 0},  {4, 0},  {5, 0},  {5, 1},  {6, 0},  {7, 0},  {7, 1},  {7, 2},
      {7, 3},  {7, 4},  {8, 0},  {8, 1},  {8, 2},  {8, 3},  {8, 4},  {8, 5},  {8, 6},  {8, 7},
      {9, 0},  {9, 1},  {9, 2},  {9, 3},  {9, 4},  {9, 5},  {9, 6},  {10, 0}, {10, 1}, {10, 2},
      {10, 3}, {10, 4}, {10, 5}, {10, 6}, {10, 7}, {11, 0}, {11, 1}, {11, 3}, {11, 5}, {11, 7},
      {11, 8}, {12, 0}, {12, 2}, {12, 3}, {12, 5},
  };
  return table;
}

std::optional<ApiVersion> find_supported_version(std::string_view text) {
  for (const auto& v : supported_versions()) {
    if (v.str() == text) return v;
  }
  return std::nullopt;
}

}  // namespace element_sim
