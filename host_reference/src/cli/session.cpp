#include "session.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "json.h"
#include "signals.h"

namespace vdp::host::cli {

namespace {
// A log line's prefix: its level, or "log" for a level vdp.h does not define.
const char* level_name(int level) {
  const char* name = level == kLogOff ? nullptr : log_level_name(level);
  return name != nullptr ? name : "log";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Whether any section of the INI file sets a non-empty option whose name ends in "password" or "secret".
// A plain scan: the file has already parsed, and every section counts, not only the backend in use.
bool holds_secret(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#' || line[start] == ';' || line[start] == '[') continue;
    const auto sep = line.find_first_of("=:", start);
    if (sep == std::string::npos || line.find_first_not_of(" \t\r", sep + 1) == std::string::npos) continue;
    std::string key = line.substr(start, sep - start);
    key.erase(key.find_last_not_of(" \t") + 1);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ends_with(key, "password") || ends_with(key, "secret")) return true;
  }
  return false;
}

// Warns (once, without refusing: the file may be shared on purpose) when a configuration file that holds
// a password is readable by group or others.
void warn_if_readable_by_others(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRGRP | S_IROTH)) == 0 || !holds_secret(path)) return;
  std::fprintf(stderr,
               "vdp-host: warning: %s holds a password or secret and is readable by %s (mode %04o); "
               "restrict it: chmod 600 %s\n",
               path.c_str(), (st.st_mode & S_IROTH) != 0 ? "others" : "its group",
               static_cast<unsigned>(st.st_mode & 07777), path.c_str());
  std::fflush(stderr);
}

}  // namespace

LogSink make_log_sink(int level) {
  if (level >= kLogOff) return {};
  return [level](int msg_level, const std::string& message) {
    if (msg_level < level) return;
    std::fprintf(stderr, "vdp-host: %s %s\n", level_name(msg_level), message.c_str());
    std::fflush(stderr);
  };
}

ProgressView::ProgressView(int log_level) : tty_(::isatty(STDERR_FILENO) == 1), log_level_(log_level) {}

void ProgressView::update(uint64_t done, uint64_t total, const std::string& message) {
  if (tty_ && log_level_ < kLogOff) {
    constexpr int kWidth = 30;
    std::string bar;
    std::string pct = "  ? %";
    if (total > 0) {
      const uint64_t d = std::min(done, total);
      const auto filled = static_cast<int>(d * kWidth / total);
      bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.');
      char buf[16];
      std::snprintf(buf, sizeof buf, "%3u%%", static_cast<unsigned>(d * 100 / total));
      pct = buf;
    } else {
      bar = std::string(kWidth, '.');
    }
    std::fprintf(stderr, "\r  [%s] %s %.60s\033[K", bar.c_str(), pct.c_str(), message.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (log_level_ <= VDP_LOG_INFO) {
    std::fprintf(stderr, "vdp-host: progress %llu/%llu %s\n", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), message.c_str());
  }
}

void ProgressView::finish() {
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
}

CallOptions make_call_options(const Options& o, ProgressView* view) {
  CallOptions c;
  c.timeout = o.timeout;
  c.cancel_flag = &cancel_flag();
  if (view) c.on_progress = [view](uint64_t done, uint64_t total, const std::string& msg) { view->update(done, total, msg); };
  return c;
}

std::unique_ptr<Driver> make_driver(const Options& o, std::shared_ptr<Plugin> plugin, ConfigMap config) {
  // The plugin then formats only the lines that are shown (and shows debug ones when asked), unless the
  // backend section sets its level itself.
  config.emplace("vdp_log_level", log_level_name(o.log_level));
  try {
    return std::make_unique<Driver>(std::move(plugin), std::move(config), make_log_sink(o.log_level));
  } catch (const CreateError& e) {
    std::fprintf(stderr, "%s\n", reformat(e.error_json(), !o.json).c_str());
    return nullptr;
  }
}

std::string error_output(const CallResult& r, const std::string& op) {
  if (!r.output.empty()) return r.output;
  return make_error_json(r.status, "the plugin returned no error object", op, r.request_id);
}

void print_error(const Options& o, const CallResult& r, const std::string& op) {
  std::fprintf(stderr, "%s\n", reformat(error_output(r, op), !o.json).c_str());
  std::fflush(stderr);
}

bool needs_setup(const std::string& op) { return op != "setup" && op != "describe"; }

std::string read_input(const std::string& path) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) throw UsageError("cannot read " + path + ": " + std::strerror(errno));
  std::string text;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) throw UsageError("cannot read " + path);
  return text;
}

std::string read_request_arg(const std::string& arg) {
  if (arg == "-") return read_input("-");
  if (!arg.empty() && arg[0] == '@') {
    if (arg.size() == 1) throw UsageError("'@' needs a file name");
    return read_input(arg.substr(1));
  }
  return arg;
}

std::shared_ptr<Plugin> load_plugin(const Options& o) { return Plugin::load(o.plugin); }

ConfigMap load_config(const Options& o) {
  if (o.config.empty()) {
    if (!o.backend.empty()) throw UsageError("--backend needs --config");
    return {};
  }
  ConfigMap config = load_ini_backend(o.config, o.backend);
  warn_if_readable_by_others(o.config);
  return config;
}

}  // namespace vdp::host::cli
