// UTF-8 hygiene shared by the driver and the ABI shim: configuration and requests must be valid UTF-8
// (checked), and nothing written out may be invalid whatever its input (repaired).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace solidfire {

// Length of the well-formed sequence starting at text[i] (no overlongs, no surrogates, <= U+10FFFF), or
// 0 when the bytes there are not one. i < text.size().
size_t utf8_sequence_length(std::string_view text, size_t i);

bool is_valid_utf8(std::string_view text);

// `text` with every invalid sequence replaced by U+FFFD (a bad lead byte and the continuation bytes
// after it count as one); valid text is returned unchanged.
std::string to_valid_utf8(std::string_view text);

}  // namespace solidfire
