// RFC 8259 grammar check of a request, run before cJSON sees it: cJSON is lenient (it takes "01", "1.",
// raw control characters in strings and some bad escapes), and the ABI promises INVALID_ARGUMENT for
// anything that is not JSON. UTF-8 validity is checked separately (utf8.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sfplugin {

// nullopt when `text` is exactly one JSON value surrounded by optional whitespace, nested at most
// `max_depth` deep; otherwise what is wrong and at which byte. Also refuses "\u0000" escapes and unpaired
// surrogate escapes (I-JSON), which no C string the driver uses can carry.
std::optional<std::string> json_grammar_error(std::string_view text, int max_depth);

}  // namespace sfplugin
