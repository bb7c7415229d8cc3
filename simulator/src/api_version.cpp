#include "api_version.h"

#include <algorithm>

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
  // "<major>.<minor>", canonical decimal (no sign, no leading zeros except "0"), then a table lookup;
  // no string is built (this runs for every request).
  auto number = [](std::string_view s, int& out) {
    if (s.empty() || s.size() > 3 || (s.size() > 1 && s.front() == '0')) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ApiVersion v;
  if (!number(text.substr(0, dot), v.major) || !number(text.substr(dot + 1), v.minor)) return std::nullopt;
  const auto& table = supported_versions();
  auto it = std::lower_bound(table.begin(), table.end(), v);
  if (it == table.end() || *it != v) return std::nullopt;
  return v;
}

}  // namespace element_sim
