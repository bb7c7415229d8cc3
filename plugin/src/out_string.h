// Strings handed to the host through `out`. Each allocation carries its length in a hidden header so
// free_string can wipe the whole buffer (results may hold CHAP secrets) without trusting strlen.
#pragma once

#include <cstddef>
#include <string_view>

namespace sfplugin {

// Copies `text` into a new plugin-owned buffer; returns nullptr when allocation fails.
char* make_out_string(std::string_view text) noexcept;
// Wipes and releases a buffer from make_out_string; nullptr is ignored.
void free_out_string(char* s) noexcept;
// Stores `text` in *out / *out_len; returns false (and sets *out = nullptr) when allocation fails.
bool emit(std::string_view text, char** out, size_t* out_len) noexcept;

}  // namespace sfplugin
