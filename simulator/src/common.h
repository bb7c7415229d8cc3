// Helpers shared by the method families.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster_state.h"
#include "json.h"
#include "rpc.h"

namespace element_sim {

// Number of UTF-8 code points in s (names are limited in characters, not bytes).
size_t utf8_length(std::string_view s);

// Validates an `attributes` parameter (object, serialised size < 1000 bytes) and returns its compact
// text; nullptr (absent/null) yields "{}".
std::string attributes_text(const cJSON* attrs, const char* member = "attributes");

inline constexpr size_t kMaxAttributesBytes = 1000;

inline constexpr int64_t kMiB = 1048576;
inline constexpr int64_t kVolumeSizeMin = 1000000000;
inline constexpr int64_t kVolumeSizeMax = 17592186044416;

// Applies a (possibly partial) qos request object onto `base` and validates the result
// (xInvalidParameter naming qos.<member>). Members equal to 0 are "not specified".
Qos apply_qos(Qos base, const cJSON* qos);
// True when a qos request object specifies at least one member (non-zero).
bool qos_specified(const cJSON* qos);

bool valid_access(std::string_view a);
// Validates an `access` value: unknown enum -> xUnrecognizedEnumString.
std::string access_param(const Params& p, const char* name = "access");

// Validates a requested size (xInvalidParameter) and rounds it up to a multiple of 1 MiB.
int64_t volume_size_param(int64_t requested, const char* member);

// New-volume limits (xExceededLimit): volumes per account, cluster volume count, over-provisioning.
void check_new_volume_limits(const Cluster& c, const Account& account, int64_t size);

// Lower-cases ASCII letters.
std::string ascii_lower(std::string s);

// Timestamp name used when a snapshot/group snapshot name is omitted.
std::string default_snapshot_name(int64_t now);

}  // namespace element_sim
