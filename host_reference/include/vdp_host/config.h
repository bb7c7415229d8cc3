// Cinder-style INI configuration: [DEFAULT] plus one section per backend.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

namespace vdp::host {

using ConfigMap = std::map<std::string, std::string>;

// Reads `path` and returns the options of `backend` merged over [DEFAULT] (section values win).
// An empty `backend` selects the only non-DEFAULT section, or the first name in DEFAULT's enabled_backends.
// Syntax: "[section]", "key = value" (or "key: value"), comments starting with '#' or ';', blank lines.
// Throws HostError naming file:line for syntax errors, and naming the file for selection errors.
ConfigMap load_ini_backend(const std::string& path, const std::string& backend);

// The same from text already in memory; `source` names it in error messages.
ConfigMap parse_ini_backend(std::istream& in, const std::string& backend, const std::string& source = "<input>");

// Non-DEFAULT section names of a file, in order of first appearance.
std::vector<std::string> ini_sections(const std::string& path);

}  // namespace vdp::host
