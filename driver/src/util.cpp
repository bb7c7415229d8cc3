// Small helpers shared by the driver's files (see util.h).
#include "util.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <limits>

#include "solidfire/error.h"
#include "solidfire/utf8.h"

namespace solidfire::util {

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return std::string(s.substr(b, e - b));
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) != 0) ++i;
    size_t j = i;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j])) == 0) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}


std::string clean_utf8(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out.push_back('?');
      ++i;
    } else if (len == 1) {
      const char c = s[i];
      const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      out.push_back(control && c != '\t' ? ' ' : c);
      ++i;
    } else {
      if (out.size() + len > max_bytes) break;
      out.append(s.substr(i, len));
      i += len;
    }
    if (out.size() >= max_bytes) break;
  }
  if (i < s.size()) out += "...";
  return out;
}

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t end = max_bytes;
  // Step back over continuation bytes so that no sequence is cut.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

std::string scrub(std::string s, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    size_t pos = 0;
    while ((pos = s.find(secret, pos)) != std::string::npos) {
      s.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return s;
}

std::optional<int64_t> parse_int64(std::string_view raw) {
  const std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t value = 0;
  const uint64_t limit = negative ? static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1
                                  : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value == static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
      return std::numeric_limits<int64_t>::min();
    }
    return -static_cast<int64_t>(value);
  }
  return static_cast<int64_t>(value);
}

std::string iscsi_portal(std::string_view address) {
  const std::string a = trim(address);
  if (a.empty()) return a;
  if (a.front() == '[') {
    const size_t close = a.find(']');
    if (close != std::string::npos && close + 1 < a.size() && a[close + 1] == ':') return a;
    return a + ":3260";
  }
  const size_t colons = static_cast<size_t>(std::count(a.begin(), a.end(), ':'));
  if (colons == 0) return a + ":3260";
  if (colons == 1) return a;           // host:port
  return "[" + a + "]:3260";          // bare IPv6 literal
}

std::string url_host(std::string_view host) {
  const std::string h = trim(host);
  if (h.find(':') != std::string::npos && h.front() != '[') return "[" + h + "]";
  return h;
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::shared_ptr<spdlog::logger> null_logger() {
  return std::make_shared<spdlog::logger>("solidfire-null", std::make_shared<spdlog::sinks::null_sink_mt>());
}

void wait_for(CallContext& ctx, Clock& clock, std::chrono::milliseconds duration, std::string_view what) {
  using std::chrono::milliseconds;
  const auto end = clock.now() + duration;
  for (;;) {
    if (ctx.cancelled()) {
      throw Error(ErrorCode::kCancelled, "cancelled while waiting for " + std::string(what));
    }
    const auto now = clock.now();
    if (now >= end) return;
    const auto left = std::chrono::duration_cast<milliseconds>(end - now);
    clock.sleep_for(std::min(left <= milliseconds(0) ? milliseconds(1) : left, milliseconds(100)));
  }
}

std::chrono::milliseconds time_left(const CallContext& ctx, const Clock& clock) {
  const auto deadline = ctx.deadline();
  if (deadline == SteadyClock::time_point::max()) return std::chrono::milliseconds::max();
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
}

}  // namespace solidfire::util
