#include "out_string.h"

#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <new>

namespace sfplugin {
namespace {

struct alignas(std::max_align_t) Header {
  size_t capacity;  // bytes after the header, NUL included
};

void wipe(void* p, size_t n) noexcept {
  // explicit_bzero is not elided by the optimiser, unlike a memset before free.
  explicit_bzero(p, n);
}

}  // namespace

char* make_out_string(std::string_view text) noexcept {
  const size_t capacity = text.size() + 1;
  if (capacity == 0 || capacity > SIZE_MAX - sizeof(Header)) return nullptr;
  void* block = std::malloc(sizeof(Header) + capacity);
  if (block == nullptr) return nullptr;
  auto* header = static_cast<Header*>(block);
  header->capacity = capacity;
  char* data = reinterpret_cast<char*>(header + 1);
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  data[text.size()] = '\0';
  return data;
}

void free_out_string(char* s) noexcept {
  if (s == nullptr) return;
  Header* header = reinterpret_cast<Header*>(s) - 1;
  wipe(s, header->capacity);
  wipe(header, sizeof(Header));
  std::free(header);
}

bool emit(std::string_view text, char** out, size_t* out_len) noexcept {
  *out = make_out_string(text);
  if (out_len != nullptr) *out_len = (*out != nullptr) ? text.size() : 0;
  return *out != nullptr;
}

}  // namespace sfplugin
