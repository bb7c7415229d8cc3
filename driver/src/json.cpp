// RAII cJSON wrapper (see json.h).
#include "json.h"

#include <cmath>
#include <new>
#include <stdexcept>
#include <utility>

#include "util.h"

namespace solidfire {

namespace {
cJSON* checked(cJSON* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
constexpr double kTwo53 = 9007199254740992.0;  // 2^53: the last integer a double holds exactly

}  // namespace

JsonView JsonView::operator[](const char* key) const {
  if (node_ == nullptr || !cJSON_IsObject(node_)) return JsonView();
  return JsonView(cJSON_GetObjectItemCaseSensitive(node_, key));
}

size_t JsonView::size() const {
  if (node_ == nullptr || !cJSON_IsArray(node_)) return 0;
  return static_cast<size_t>(cJSON_GetArraySize(node_));
}

JsonView JsonView::at(size_t index) const {
  if (node_ == nullptr || !cJSON_IsArray(node_)) return JsonView();
  size_t i = 0;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next, ++i) {
    if (i == index) return JsonView(c);
  }
  return JsonView();
}

std::vector<JsonView> JsonView::items() const {
  std::vector<JsonView> out;
  if (node_ == nullptr || !cJSON_IsArray(node_)) return out;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next) out.emplace_back(c);
  return out;
}

std::optional<int64_t> JsonView::as_int64() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsNumber(node_)) {
    const double d = node_->valuedouble;
    if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
    if (d < -kTwo53 || d > kTwo53) return std::nullopt;  // imprecise: not the number that was sent
    return static_cast<int64_t>(d);
  }
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    return util::parse_int64(node_->valuestring);
  }
  return std::nullopt;
}

std::optional<double> JsonView::as_double() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsNumber(node_)) {
    if (!std::isfinite(node_->valuedouble)) return std::nullopt;
    return node_->valuedouble;
  }
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    auto i = util::parse_int64(node_->valuestring);
    if (i) return static_cast<double>(*i);
  }
  return std::nullopt;
}

std::optional<std::string> JsonView::as_string() const {
  if (node_ == nullptr || !cJSON_IsString(node_) || node_->valuestring == nullptr) return std::nullopt;
  return std::string(node_->valuestring);
}

std::optional<bool> JsonView::as_bool() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsBool(node_)) return cJSON_IsTrue(node_) != 0;
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    const std::string s = util::to_lower(node_->valuestring);
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return std::nullopt;
}

std::string JsonView::print() const {
  if (node_ == nullptr) return "null";
  char* text = cJSON_PrintUnformatted(node_);
  if (text == nullptr) throw std::bad_alloc();
  std::string out(text);
  cJSON_free(text);
  return out;
}

Json Json::object() { return Json(checked(cJSON_CreateObject())); }
Json Json::array() { return Json(checked(cJSON_CreateArray())); }

Json Json::int_array(std::initializer_list<int64_t> values) { return int_array(std::vector<int64_t>(values)); }

Json Json::int_array(const std::vector<int64_t>& values) {
  Json a = array();
  for (const int64_t v : values) a.push(v);
  return a;
}

Json::Json(Json&& other) noexcept
    : node_(std::exchange(other.node_, nullptr)), arena_(std::move(other.arena_)) {}

Json& Json::operator=(Json&& other) noexcept {
  if (this != &other) {
    reset();
    node_ = std::exchange(other.node_, nullptr);
    arena_ = std::move(other.arena_);
  }
  return *this;
}

Json::~Json() { reset(); }

void Json::reset() {
  if (!arena_ && node_ != nullptr) cJSON_Delete(node_);
  node_ = nullptr;
  arena_.reset();
}

void Json::own() {
  if (!arena_) return;
  cJSON* copy = node_ == nullptr ? nullptr : checked(cJSON_Duplicate(node_, 1));
  reset();
  node_ = copy;
}

cJSON* Json::release() {
  own();
  return std::exchange(node_, nullptr);
}

Json Json::clone() const {
  if (node_ == nullptr) return Json();
  return Json(checked(cJSON_Duplicate(node_, 1)));
}

namespace {
void replace_member(cJSON* obj, const char* key, cJSON* item) {
  if (obj == nullptr || !cJSON_IsObject(obj)) {
    cJSON_Delete(item);
    throw std::logic_error("Json::set on a non-object");
  }
  if (cJSON_GetObjectItemCaseSensitive(obj, key) != nullptr) {
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
  } else if (!cJSON_AddItemToObject(obj, key, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
}
void append(cJSON* arr, cJSON* item) {
  if (arr == nullptr || !cJSON_IsArray(arr)) {
    cJSON_Delete(item);
    throw std::logic_error("Json::push on a non-array");
  }
  if (!cJSON_AddItemToArray(arr, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
}
cJSON* make_string(std::string_view v) { return checked(cJSON_CreateString(std::string(v).c_str())); }
cJSON* make_number(int64_t v) { return checked(cJSON_CreateNumber(static_cast<double>(v))); }
}  // namespace

Json& Json::set(const char* key, std::string_view value) {
  own();
  replace_member(node_, key, make_string(value));
  return *this;
}
Json& Json::set(const char* key, int64_t value) {
  own();
  replace_member(node_, key, make_number(value));
  return *this;
}
Json& Json::set(const char* key, bool value) {
  own();
  replace_member(node_, key, checked(cJSON_CreateBool(value ? 1 : 0)));
  return *this;
}
Json& Json::set(const char* key, Json value) {
  own();
  cJSON* item = value.release();
  if (item == nullptr) item = checked(cJSON_CreateNull());
  replace_member(node_, key, item);
  return *this;
}
Json& Json::set_null(const char* key) {
  own();
  replace_member(node_, key, checked(cJSON_CreateNull()));
  return *this;
}
Json& Json::push(int64_t value) {
  own();
  append(node_, make_number(value));
  return *this;
}
Json& Json::push(std::string_view value) {
  own();
  append(node_, make_string(value));
  return *this;
}
Json& Json::push(Json value) {
  own();
  cJSON* item = value.release();
  if (item == nullptr) item = checked(cJSON_CreateNull());
  append(node_, item);
  return *this;
}

Json Json::take(const char* key) {
  if (node_ == nullptr || !cJSON_IsObject(node_)) return Json();
  // Detaching only relinks nodes, so it works inside an arena too.
  cJSON* item = cJSON_DetachItemFromObjectCaseSensitive(node_, key);
  return item == nullptr ? Json() : Json(item, arena_);
}

Json Json::take_item(int index) {
  if (node_ == nullptr || !cJSON_IsArray(node_) || index < 0) return Json();
  cJSON* item = cJSON_DetachItemFromArray(node_, index);
  return item == nullptr ? Json() : Json(item, arena_);
}

std::vector<int64_t> int_list(JsonView array) {
  std::vector<int64_t> out;
  for (const JsonView item : array.items()) {
    if (auto n = item.as_int64()) out.push_back(*n);
  }
  return out;
}

}  // namespace solidfire
