#include "options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <vdp/vdp.h>

namespace vdp::host::cli {

int parse_log_level(const std::string& text) {
  if (text == "trace") return VDP_LOG_TRACE;
  if (text == "debug") return VDP_LOG_DEBUG;
  if (text == "info") return VDP_LOG_INFO;
  if (text == "warn" || text == "warning") return VDP_LOG_WARN;
  if (text == "error") return VDP_LOG_ERROR;
  if (text == "off") return kLogOff;
  throw UsageError("invalid --log-level '" + text + "' (trace, debug, info, warn, error or off)");
}

const char* log_level_name(int level) {
  switch (level) {
    case VDP_LOG_TRACE: return "trace";
    case VDP_LOG_DEBUG: return "debug";
    case VDP_LOG_INFO: return "info";
    case VDP_LOG_WARN: return "warn";
    case VDP_LOG_ERROR: return "error";
    case kLogOff: return "off";
    default: return nullptr;
  }
}

namespace {

std::chrono::milliseconds parse_timeout(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 1e9)
    throw UsageError("invalid --timeout '" + text + "' (a positive number of seconds)");
  return std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000.0)));
}

// An integer option in [min, max]; the message names the option and the range.
uint64_t parse_integer(const std::string& name, const std::string& text, uint64_t min, uint64_t max) {
  const bool digits = !text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos;
  const uint64_t value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits || value < min || value > max)
    throw UsageError("invalid " + name + " '" + text + "' (an integer from " + std::to_string(min) + " to " +
                     std::to_string(max) + ")");
  return value;
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400)
    throw UsageError("invalid --duration '" + text + "' (seconds, more than 0 and at most 86400)");
  return std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000.0)));
}

// --mix values: repeatable, each a comma-separated list; names are checked by bench.
void add_mixes(const std::string& text, std::vector<std::string>& mixes) {
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) throw UsageError("invalid --mix '" + text + "' (mix names separated by commas)");
    mixes.push_back(name);
    if (comma == std::string::npos) return;
    start = comma + 1;
  }
}

}  // namespace

Options parse_options(const std::vector<std::string>& argv) {
  Options o;
  bool options_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || a.size() < 2 || a[0] != '-' || a == "-") {
      if (o.command.empty()) o.command = a;
      else o.args.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> value;
    if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    }
    auto need_value = [&]() -> std::string {
      if (value) return *value;
      if (i + 1 >= argv.size()) throw UsageError("option " + name + " needs a value");
      return argv[++i];
    };
    auto no_value = [&] {
      if (value) throw UsageError("option " + name + " takes no value");
    };
    if (name == "--plugin") {
      o.plugin = need_value();
      o.plugin_given = true;
      if (o.plugin.empty()) throw UsageError("--plugin needs a path or a name");
    } else if (name == "--config") {
      o.config = need_value();
      if (o.config.empty()) throw UsageError("--config needs a file");
    } else if (name == "--backend") {
      o.backend = need_value();
    } else if (name == "--json") {
      no_value();
      o.json = true;
    } else if (name == "--timeout") {
      o.timeout = parse_timeout(need_value());
    } else if (name == "--log-level") {
      o.log_level = parse_log_level(need_value());
    } else if (name == "--replication") {
      no_value();
      o.replication = true;
    } else if (name == "--callers" || name == "--count" || name == "--duration" || name == "--warmup" ||
               name == "--mix") {
      if (o.bench.first_given.empty()) o.bench.first_given = name;
      const std::string v = need_value();
      if (name == "--callers") o.bench.callers = static_cast<int>(parse_integer(name, v, 1, kMaxBenchCallers));
      else if (name == "--count") o.bench.count = parse_integer(name, v, 1, 1000000000);
      else if (name == "--duration") o.bench.duration = parse_duration(v);
      else if (name == "--warmup") o.bench.warmup = parse_integer(name, v, 0, 1000000);
      else add_mixes(v, o.bench.mixes);
    } else if (name == "--keep-going") {
      no_value();
      o.keep_going = true;
    } else if (name == "--help" || name == "-h") {
      no_value();
      o.help = true;
    } else if (name == "--version") {
      no_value();
      o.version = true;
    } else {
      throw UsageError("unknown option " + name);
    }
  }
  return o;
}

bool json_requested(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") return false;
    if (a == "--json") return true;
    if (a == "--plugin" || a == "--config" || a == "--backend" || a == "--timeout" || a == "--log-level" ||
        a == "--callers" || a == "--count" || a == "--duration" || a == "--warmup" || a == "--mix")
      ++i;
  }
  return false;
}

}  // namespace vdp::host::cli
