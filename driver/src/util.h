// Small helpers shared by the driver's files: strings, UTF-8 hygiene, portals, waiting on a Clock.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "solidfire/call_context.h"
#include "solidfire/driver.h"

namespace spdlog {
class logger;
}

namespace solidfire::util {

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string> split_ws(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

// Replaces invalid UTF-8 sequences and control characters (except \t) with '?', caps the length.
std::string clean_utf8(std::string_view s, size_t max_bytes = 1024);
// Truncates to at most `max_bytes` without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, size_t max_bytes);
// Replaces every occurrence of each non-empty secret by "***".
std::string scrub(std::string s, const std::vector<std::string>& secrets);

// Strict integer parse (optional sign, digits only, surrounding blanks allowed).
std::optional<int64_t> parse_int64(std::string_view s);

// "host" -> "host:3260"; "host:p" kept; "::1" -> "[::1]:3260"; "[::1]" -> "[::1]:3260"; "[::1]:p" kept.
std::string iscsi_portal(std::string_view address);
// Brackets a bare IPv6 literal for use in a URL authority.
std::string url_host(std::string_view host);

// Current UTC time as ISO-8601 with seconds ("2024-01-02T03:04:05Z").
std::string utc_now_iso8601();

// A logger that drops everything (never registered in spdlog's global registry).
std::shared_ptr<spdlog::logger> null_logger();

// Sleeps `duration` on `clock` in slices of at most 100 ms, polling ctx.cancelled() between slices.
// Throws Error(kCancelled) when cancelled. The caller checks the deadline beforehand.
void wait_for(CallContext& ctx, Clock& clock, std::chrono::milliseconds duration, std::string_view what);

// Milliseconds left until the context deadline (INT64_MAX-ish when none; may be <= 0).
std::chrono::milliseconds time_left(const CallContext& ctx, const Clock& clock);

}  // namespace solidfire::util
