#include "json_grammar.h"

#include <cstdint>

namespace sfplugin {
namespace {

// Recursive descent over the bytes; the first error stops it.
class Checker {
 public:
  Checker(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<std::string> run() {
    skip_ws();
    value(1);
    if (!error_) {
      skip_ws();
      if (i_ < s_.size()) fail("trailing data after the JSON value");
    }
    return error_;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  void fail(const std::string& what) {
    if (!error_) error_ = what + " at byte " + std::to_string(i_);
  }

  void skip_ws() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  void value(int depth) {
    if (at_end()) return fail("unexpected end of input");
    switch (s_[i_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default:
        if (s_[i_] == '-' || digit(s_[i_])) return number();
        return fail("unexpected character");
    }
  }

  void literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  void number() {
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
      if (digit(peek())) return fail("invalid number (leading zero)");
    } else if (digit(peek())) {
      while (digit(peek())) ++i_;
    } else {
      return fail("invalid number (no digit)");
    }
    if (peek() == '.') {
      ++i_;
      if (!digit(peek())) return fail("invalid number (no digit after '.')");
      while (digit(peek())) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!digit(peek())) return fail("invalid number (no digit in the exponent)");
      while (digit(peek())) ++i_;
    }
  }

  // Four hex digits after "\u"; -1 when they are not.
  long hex4() {
    if (s_.size() - i_ < 4) return -1;
    long v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_ + static_cast<size_t>(k)];
      int d = -1;
      if (digit(c)) d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    i_ += 4;
    return v;
  }

  void escape() {
    const char c = peek();
    ++i_;
    switch (c) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': return;
      case 'u': break;
      default: --i_; return fail("invalid escape in string");
    }
    const long unit = hex4();
    if (unit < 0) return fail("invalid \\u escape in string");
    if (unit == 0) return fail("\\u0000 in string");
    if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("unpaired surrogate escape in string");
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (s_.substr(i_, 2) != "\\u") return fail("unpaired surrogate escape in string");
      i_ += 2;
      const long low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate escape in string");
    }
  }

  void string() {
    ++i_;  // opening quote
    for (;;) {
      if (at_end()) return fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return;
      }
      if (c < 0x20) return fail("unescaped control character in string");
      ++i_;
      if (c == '\\') {
        escape();
        if (error_) return;
      }
    }
  }

  void array(int depth) {
    if (depth > max_depth_) return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    ++i_;
    skip_ws();
    if (peek() == ']') {
      ++i_;
      return;
    }
    for (;;) {
      skip_ws();
      value(depth + 1);
      if (error_) return;
      skip_ws();
      if (peek() == ',') {
        ++i_;
      } else if (peek() == ']') {
        ++i_;
        return;
      } else {
        return fail("expected ',' or ']'");
      }
    }
  }

  void object(int depth) {
    if (depth > max_depth_) return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    ++i_;
    skip_ws();
    if (peek() == '}') {
      ++i_;
      return;
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') return fail("expected a member name");
      string();
      if (error_) return;
      skip_ws();
      if (peek() != ':') return fail("expected ':'");
      ++i_;
      skip_ws();
      value(depth + 1);
      if (error_) return;
      skip_ws();
      if (peek() == ',') {
        ++i_;
      } else if (peek() == '}') {
        ++i_;
        return;
      } else {
        return fail("expected ',' or '}'");
      }
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t i_ = 0;
  std::optional<std::string> error_;
};

}  // namespace

std::optional<std::string> json_grammar_error(std::string_view text, int max_depth) {
  return Checker(text, max_depth).run();
}

}  // namespace sfplugin
