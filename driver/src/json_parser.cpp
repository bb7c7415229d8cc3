// Json::parse: a recursive-descent parser that builds cJSON's tree in one arena per document (json.h).
#include <algorithm>
#include <charconv>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include <locale.h>  // newlocale, strtod_l (POSIX)
#include <stdlib.h>

#include "json.h"

namespace solidfire {

// The memory of one parsed document: blocks taken from malloc and handed out front to back, freed
// together. Nodes are never freed one by one (cJSON_Delete must not see them: see Json::own).
class Json::Arena {
 public:
  explicit Arena(size_t first_block) : next_block_(first_block) {}
  ~Arena() {
    while (blocks_ != nullptr) std::free(std::exchange(blocks_, blocks_->previous));
  }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `n` bytes aligned for a cJSON node.
  void* allocate(size_t n) {
    n = (n + kAlign - 1) & ~(kAlign - 1);
    if (n > left_) grow(n);
    void* p = next_;
    next_ += n;
    left_ -= n;
    return p;
  }

 private:
  struct Block {
    Block* previous;
  };
  static constexpr size_t kAlign = alignof(std::max_align_t);
  static constexpr size_t kHeader = (sizeof(Block) + kAlign - 1) & ~(kAlign - 1);

  void grow(size_t at_least) {
    const size_t size = std::max(at_least, next_block_);
    auto* b = static_cast<Block*>(std::malloc(kHeader + size));
    if (b == nullptr) throw std::bad_alloc();
    b->previous = blocks_;
    blocks_ = b;
    next_ = reinterpret_cast<char*>(b) + kHeader;  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    left_ = size;
    next_block_ = size * 2;
  }

  Block* blocks_ = nullptr;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t next_block_;
};

namespace {

// A recursive-descent parser that builds cJSON nodes in an arena, accepting what cJSON_Parse accepts
// (but for \u escapes without four hex digits, json.h).
// Depth and the number of values are bounded (json.h), so neither the stack nor memory can be run out
// of by a hostile document. Errors keep the first failure: where, and whether the text ran out.
class Parser {
 public:
  Parser(std::string_view text, Json::Arena& arena)
      : p_(text.data()), end_(text.data() + text.size()), arena_(arena) {}

  cJSON* document() {
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;  // a UTF-8 byte-order mark
    skip_space();
    return value(0);
  }
  const char* at() const { return p_; }
  const char* failed_at() const { return fail_at_; }
  const std::string& limit() const { return limit_; }

 private:
  cJSON* fail() {
    if (fail_at_ == nullptr) fail_at_ = p_;
    return nullptr;
  }
  cJSON* over(std::string why) {
    limit_ = std::move(why);
    return fail();
  }
  void skip_space() {
    while (p_ < end_ && static_cast<unsigned char>(*p_) <= 0x20) ++p_;
  }
  // A new node, counted against the limit on values.
  cJSON* counted(int type) {
    if (++values_ > Json::kMaxValues) return over("more than " + std::to_string(Json::kMaxValues) + " values");
    auto* n = static_cast<cJSON*>(arena_.allocate(sizeof(cJSON)));
    std::memset(n, 0, sizeof(cJSON));
    n->type = type;
    return n;
  }

  cJSON* value(size_t depth) {
    if (p_ >= end_) return fail();
    switch (*p_) {
      case '{':
        return container(depth + 1, cJSON_Object, '}');
      case '[':
        return container(depth + 1, cJSON_Array, ']');
      case '"': {
        cJSON* n = counted(cJSON_String);
        if (n == nullptr || (n->valuestring = string()) == nullptr) return fail();
        return n;
      }
      case 'n':
        return literal("null", cJSON_NULL);
      case 't':
        return literal("true", cJSON_True);
      case 'f':
        return literal("false", cJSON_False);
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number();
        return fail();
    }
  }

  cJSON* literal(std::string_view word, int type) {
    const auto left = static_cast<size_t>(end_ - p_);
    if (left < word.size()) {
      if (std::memcmp(p_, word.data(), left) != 0) return fail();
      p_ = end_;  // cut short inside the word
      return fail();
    }
    if (std::memcmp(p_, word.data(), word.size()) != 0) return fail();
    p_ += word.size();
    cJSON* n = counted(type);
    if (n != nullptr && type == cJSON_True) n->valueint = 1;
    return n;
  }

  // As cJSON: the run of number characters, read as a double (std::from_chars: no locale, unlike
  // strtod); what follows the part that reads must be the next token.
  cJSON* number() {
    const char* run = p_;
    while (run < end_ && ((*run >= '0' && *run <= '9') || *run == '-' || *run == '+' || *run == '.' || *run == 'e' ||
                          *run == 'E')) {
      ++run;
    }
    double d = 0;
    const auto [stop, ec] = std::from_chars(p_, run, d, std::chars_format::general);
    if (stop == p_) return fail();
    if (ec == std::errc::result_out_of_range) d = out_of_range(p_, stop);
    p_ = stop;
    cJSON* n = counted(cJSON_Number);
    if (n == nullptr) return nullptr;
    n->valuedouble = d;
    // cJSON's valueint: the double saturated to int (print uses it for integral values).
    n->valueint = d >= INT_MAX ? INT_MAX : d <= static_cast<double>(INT_MIN) ? INT_MIN : static_cast<int>(d);
    return n;
  }

  // What cJSON's strtod makes of a number from_chars finds out of range: infinity, 0 or a subnormal.
  static double out_of_range(const char* from, const char* to) {
    static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", nullptr);  // strtod without the host's locale
    const std::string digits(from, to);
    return c_locale == nullptr ? 0.0 : strtod_l(digits.c_str(), nullptr, c_locale);
  }

  static int hex(const char* h) {
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = h[i];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return -1;
      }
    }
    return v;
  }

  // After the opening quote: the string, unescaped, NUL-terminated, in the arena; nullptr on error.
  char* string() {
    const char* start = ++p_;
    size_t escapes = 0;  // the unescaped text is never longer than the escaped one
    const char* close = start;
    for (; close < end_ && *close != '"'; ++close) {
      if (*close == '\\') {
        if (++close == end_) break;
        ++escapes;
      }
    }
    if (close >= end_) {
      p_ = end_;
      return nullptr;
    }
    auto* out = static_cast<char*>(arena_.allocate(static_cast<size_t>(close - start) + 1));
    char* w = out;
    if (escapes == 0) {
      std::memcpy(w, start, static_cast<size_t>(close - start));
      w += close - start;
    }
    for (const char* r = start; escapes != 0 && r < close;) {
      if (*r != '\\') {
        *w++ = *r++;
        continue;
      }
      p_ = r;  // an error points at the escape
      switch (r[1]) {
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case '"':
        case '\\':
        case '/': *w++ = r[1]; break;
        case 'u': {
          const int used = utf16_to_utf8(r, close, w);
          if (used == 0) return nullptr;
          r += used;
          continue;
        }
        default:
          return nullptr;
      }
      r += 2;
    }
    *w = '\0';
    p_ = close + 1;
    return out;
  }

  // The \uXXXX escape at `r` (with its low surrogate when it is a high one), written to `w` as UTF-8.
  // Returns the escaped bytes used, 0 when invalid.
  static int utf16_to_utf8(const char* r, const char* close, char*& w) {
    if (close - r < 6) return 0;
    const int first = hex(r + 2);
    if (first < 0 || (first >= 0xDC00 && first <= 0xDFFF)) return 0;
    uint32_t cp = static_cast<uint32_t>(first);
    int used = 6;
    if (first >= 0xD800 && first <= 0xDBFF) {
      if (close - r < 12 || r[6] != '\\' || r[7] != 'u') return 0;
      const int second = hex(r + 8);
      if (second < 0xDC00 || second > 0xDFFF) return 0;
      cp = 0x10000 + ((static_cast<uint32_t>(first & 0x3FF) << 10) | static_cast<uint32_t>(second & 0x3FF));
      used = 12;
    }
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return used;
  }

  // Links `item` after `last` under `parent` the way cJSON does (the first child's prev is the last
  // child), so that cJSON's detach and append work on the tree.
  static void link(cJSON* parent, cJSON*& last, cJSON* item) {
    if (last == nullptr) {
      parent->child = item;
    } else {
      last->next = item;
      item->prev = last;
    }
    last = item;
    parent->child->prev = item;
  }

  // An array or an object (`close` is ']' or '}'), at its opening bracket.
  cJSON* container(size_t depth, int type, char close) {
    if (depth > Json::kMaxDepth) return over("nested deeper than " + std::to_string(Json::kMaxDepth) + " levels");
    cJSON* c = counted(type);
    if (c == nullptr) return nullptr;
    ++p_;
    skip_space();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return c;
    }
    for (cJSON* last = nullptr;;) {
      char* name = nullptr;
      if (type == cJSON_Object && (name = member_name()) == nullptr) return fail();
      cJSON* item = value(depth);
      if (item == nullptr) return fail();
      item->string = name;
      link(c, last, item);
      skip_space();
      if (p_ >= end_) return fail();
      if (*p_ == close) {
        ++p_;
        return c;
      }
      if (*p_ != ',') return fail();
      ++p_;
      skip_space();
    }
  }

  // A member's name and its colon, leaving p_ at the value; nullptr on error.
  char* member_name() {
    if (p_ >= end_ || *p_ != '"') return nullptr;
    if (++values_ > Json::kMaxValues) {
      over("more than " + std::to_string(Json::kMaxValues) + " values");
      return nullptr;
    }
    char* name = string();
    if (name == nullptr) return nullptr;
    skip_space();
    if (p_ >= end_ || *p_ != ':') return nullptr;
    ++p_;
    skip_space();
    return name;
  }

  const char* p_;
  const char* end_;
  Json::Arena& arena_;
  size_t values_ = 0;
  const char* fail_at_ = nullptr;
  std::string limit_;
};

}  // namespace

std::optional<Json> Json::parse(std::string_view text, std::string* why) {
  auto say = [why](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return say("empty document");
  if (text.size() > kMaxBytes) {
    return say("document of " + std::to_string(text.size()) + " bytes exceeds the " +
               std::to_string(kMaxBytes >> 20) + " MiB limit");
  }
  // Sized for a typical reply (about 5 parsed bytes per byte of text) so that one block holds it.
  auto arena = std::make_shared<Arena>(std::min<size_t>(std::max<size_t>(text.size() * 6, 1024), kMaxBytes));
  Parser parser(text, *arena);
  cJSON* root = parser.document();
  if (root == nullptr) {
    if (!parser.limit().empty()) return say(parser.limit());
    const char* at = parser.failed_at() != nullptr ? parser.failed_at() : parser.at();
    const auto offset = static_cast<size_t>(at - text.data());
    if (offset >= text.size()) return say("truncated JSON (" + std::to_string(text.size()) + " bytes)");
    return say("malformed JSON at byte " + std::to_string(offset) + " of " + std::to_string(text.size()));
  }
  // Only trailing whitespace may follow the document.
  const char* stop = text.data() + text.size();
  for (const char* p = parser.at(); p < stop; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') {
      return say("text after the JSON document at byte " + std::to_string(p - text.data()));
    }
  }
  return Json(root, std::move(arena));
}

}  // namespace solidfire
