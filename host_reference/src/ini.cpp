// Cinder-style INI parsing: [DEFAULT] + one section per backend.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "vdp_host/config.h"
#include "vdp_host/errors.h"

namespace vdp::host {
namespace {

constexpr const char* kDefault = "DEFAULT";

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

struct IniData {
  std::vector<std::string> order;                      // non-DEFAULT sections, first appearance
  std::map<std::string, ConfigMap> sections;           // includes DEFAULT when present
};

IniData parse(std::istream& in, const std::string& source) {
  IniData data;
  std::string line;
  std::string current;
  bool in_section = false;
  size_t lineno = 0;
  auto fail = [&](const std::string& what) {
    throw HostError(source + ":" + std::to_string(lineno) + ": " + what, VDP_E_CONFIG);
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[') {
      if (t.back() != ']') fail("section header must end with ']': " + t);
      current = trim(t.substr(1, t.size() - 2));
      if (current.empty()) fail("empty section name");
      if (current.find_first_of("[]") != std::string::npos) fail("invalid section name: " + t);
      in_section = true;
      if (current != kDefault && !data.sections.count(current)) data.order.push_back(current);
      data.sections[current];
      continue;
    }
    const auto sep = t.find_first_of("=:");
    if (sep == std::string::npos) fail("expected 'key = value', '[section]' or a comment: " + t);
    const std::string key = trim(t.substr(0, sep));
    if (key.empty()) fail("missing option name before '" + std::string(1, t[sep]) + "'");
    if (key.find_first_of(" \t") != std::string::npos) fail("invalid option name: '" + key + "'");
    if (!in_section) fail("option '" + key + "' appears before any [section]");
    std::string value = trim(t.substr(sep + 1));
    auto& section = data.sections[current];
    // Like oslo.config's MultiStrOpt: a repeated replication_device adds a device (one per line).
    if (key == "replication_device" && section.count(key) != 0 && !section[key].empty()) {
      value = section[key] + "\n" + value;
    }
    section[key] = std::move(value);
  }
  if (in.bad()) throw HostError(source + ": read error", VDP_E_CONFIG);
  return data;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream is(s);
  while (std::getline(is, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

ConfigMap select(const IniData& data, const std::string& backend, const std::string& source) {
  static const ConfigMap kEmpty;
  const auto def_it = data.sections.find(kDefault);
  const ConfigMap& defaults = def_it == data.sections.end() ? kEmpty : def_it->second;

  std::string name = backend;
  if (name.empty()) {
    if (data.order.size() == 1) {
      name = data.order.front();
    } else if (auto eb = defaults.find("enabled_backends"); eb != defaults.end() && !split_list(eb->second).empty()) {
      name = split_list(eb->second).front();
    } else if (data.order.empty()) {
      throw HostError(source + ": no backend section (expected a [name] section besides [DEFAULT])", VDP_E_CONFIG);
    } else {
      throw HostError(source + ": several backend sections (" + join(data.order) +
                      ") and no enabled_backends in [DEFAULT]; choose one with --backend", VDP_E_CONFIG);
    }
  }
  if (name == kDefault) throw HostError(source + ": [DEFAULT] is not a backend section", VDP_E_CONFIG);
  const auto it = data.sections.find(name);
  if (it == data.sections.end())
    throw HostError(source + ": no section [" + name + "] (sections: " + join(data.order) + ")", VDP_E_CONFIG);

  ConfigMap merged = defaults;
  for (const auto& [k, v] : it->second) merged[k] = v;
  return merged;
}

std::ifstream open(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw HostError(path + ": is a directory, not a configuration file", VDP_E_CONFIG);
  std::ifstream in(path);
  if (!in) throw HostError(path + ": cannot open configuration file", VDP_E_CONFIG);
  return in;
}

}  // namespace

ConfigMap parse_ini_backend(std::istream& in, const std::string& backend, const std::string& source) {
  return select(parse(in, source), backend, source);
}

ConfigMap load_ini_backend(const std::string& path, const std::string& backend) {
  auto in = open(path);
  return parse_ini_backend(in, backend, path);
}

std::vector<std::string> ini_sections(const std::string& path) {
  auto in = open(path);
  return parse(in, path).order;
}

}  // namespace vdp::host
