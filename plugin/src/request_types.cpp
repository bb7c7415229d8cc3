#include "request_types.h"

#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

// Longest id we accept; Cinder ids are 36-character UUIDs.
constexpr size_t kMaxIdLength = 255;
// Element's initiatorNameLengthMax (GetLimits); iSCSI names are at most 223 bytes anyway.
constexpr size_t kMaxInitiatorLength = 224;

[[noreturn]] void invalid(const std::string& field, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, field + ": " + message).with_field(field);
}

std::optional<std::string> opt_string(const JsonView& obj, const char* key) {
  auto m = obj.member(key);
  if (!m) return std::nullopt;
  return m->as_string();
}

std::string string_or_empty(const JsonView& obj, const char* key) { return opt_string(obj, key).value_or(""); }

std::string required_id(const JsonView& obj, const char* key) {
  const JsonView m = obj.required(key);
  std::string id = m.as_string();
  if (id.empty()) invalid(m.path(), "must not be empty");
  if (id.size() > kMaxIdLength) invalid(m.path(), "longer than 255 characters");
  return id;
}

// Objects of scalars (Cinder stores extra specs and metadata as strings; numbers and booleans are
// accepted and rendered as text).
solidfire::StringMap parse_string_map(const JsonView& obj, const char* key) {
  solidfire::StringMap out;
  auto m = obj.member(key);
  if (!m) return out;
  m->for_each_member([&](const std::string& k, const JsonView& value) { out[k] = value.as_scalar_text(); });
  return out;
}

}  // namespace

solidfire::VolumeType parse_volume_type(const JsonView& t) {
  t.expect_object();
  solidfire::VolumeType type;
  type.id = string_or_empty(t, "id");
  type.name = string_or_empty(t, "name");
  type.extra_specs = parse_string_map(t, "extra_specs");
  // qos_specs: either the specs themselves or Cinder's {"consumer": ..., "specs": {...}} object.
  if (auto qos = t.member("qos_specs")) {
    qos->expect_object();
    if (auto specs = qos->member("specs")) {
      const std::string consumer = opt_string(*qos, "consumer").value_or("back-end");
      if (consumer != "back-end" && consumer != "both" && consumer != "front-end") {
        invalid(qos->path() + ".consumer", "must be one of back-end, front-end, both");
      }
      if (consumer != "front-end") type.qos_specs = parse_string_map(*qos, "specs");
    } else {
      type.qos_specs = parse_string_map(t, "qos_specs");
    }
  }
  return type;
}

solidfire::ExistingRef parse_existing_ref(const JsonView& v) {
  v.expect_object();
  solidfire::ExistingRef ref;
  if (auto id = v.member("source-id")) {
    std::string text = id->as_scalar_text();
    int64_t value = 0;
    const bool digits = !text.empty() && text.size() <= 15 && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) value = std::stoll(text);
    if (!digits || value < 1) invalid(id->path(), "must be a positive Element volume ID");
    ref.source_id = value;
  }
  if (auto name = v.member("name")) {
    ref.name = name->as_string();
    if (ref.name->empty()) invalid(name->path(), "must not be empty");
  }
  if (!ref.source_id && !ref.name) invalid(v.path(), "needs \"source-id\" or \"name\"");
  return ref;
}

solidfire::Volume parse_volume(const JsonView& v, SizeRule size_rule) {
  v.expect_object();
  solidfire::Volume vol;
  vol.id = required_id(v, "id");
  if (auto size = v.member("size")) {
    vol.size_gib = size->as_int();
    if (vol.size_gib < 1) invalid(size->path(), "must be at least 1 (GiB)");
  } else if (size_rule == SizeRule::kRequired) {
    invalid(v.path() + ".size", "is required");
  }
  vol.project_id = string_or_empty(v, "project_id");
  vol.user_id = string_or_empty(v, "user_id");
  vol.display_name = string_or_empty(v, "display_name");
  vol.created_at = string_or_empty(v, "created_at");
  if (auto t = v.member("volume_type")) vol.volume_type = parse_volume_type(*t);
  vol.metadata = parse_string_map(v, "metadata");
  vol.provider_id = opt_string(v, "provider_id");
  vol.provider_location = opt_string(v, "provider_location");
  vol.provider_auth = opt_string(v, "provider_auth");
  vol.migration_status = opt_string(v, "migration_status");
  vol.status = opt_string(v, "status");
  vol.replication_status = opt_string(v, "replication_status");
  vol.group_id = opt_string(v, "group_id");
  vol.name_id = opt_string(v, "name_id");
  vol.snapshot_id = opt_string(v, "snapshot_id");
  vol.source_volid = opt_string(v, "source_volid");
  if (auto m = v.member("multiattach")) vol.multiattach = m->as_bool();
  return vol;
}

solidfire::Connector parse_connector(const JsonView& v, bool initiator_required) {
  v.expect_object();
  solidfire::Connector c;
  if (initiator_required) {
    c.initiator = required_id(v, "initiator");
  } else {
    c.initiator = string_or_empty(v, "initiator");
  }
  // Only where a connection is made: tearing one down with any name must still succeed.
  if (initiator_required && c.initiator.size() > kMaxInitiatorLength) {
    invalid(v.path() + ".initiator", "longer than Element's 224 characters for an initiator name");
  }
  c.host = string_or_empty(v, "host");
  c.ip = string_or_empty(v, "ip");
  if (auto m = v.member("multipath")) c.multipath = m->as_bool();
  return c;
}

solidfire::Snapshot parse_snapshot(const JsonView& v) {
  v.expect_object();
  solidfire::Snapshot s;
  s.id = required_id(v, "id");
  s.volume_id = required_id(v, "volume_id");
  if (auto size = v.member("volume_size")) {
    s.volume_size_gib = size->as_int();
    if (s.volume_size_gib < 1) invalid(size->path(), "must be at least 1 (GiB)");
  }
  s.project_id = string_or_empty(v, "project_id");
  s.provider_id = opt_string(v, "provider_id");
  s.group_snapshot_id = opt_string(v, "group_snapshot_id");
  if (auto vol = v.member("volume")) s.volume = parse_volume(*vol, SizeRule::kOptional);
  return s;
}

namespace {
// The members a group and a group snapshot share.
template <class T>
T parse_group_like(const JsonView& v) {
  v.expect_object();
  T out;
  out.id = required_id(v, "id");
  out.group_type_id = string_or_empty(v, "group_type_id");
  out.group_specs = parse_string_map(v, "group_specs");
  out.project_id = string_or_empty(v, "project_id");
  return out;
}
}  // namespace

solidfire::Group parse_group(const JsonView& v) { return parse_group_like<solidfire::Group>(v); }

solidfire::GroupSnapshot parse_group_snapshot(const JsonView& v) {
  auto gs = parse_group_like<solidfire::GroupSnapshot>(v);
  gs.group_id = required_id(v, "group_id");
  return gs;
}

std::vector<solidfire::Volume> parse_volume_list(const JsonView& request, const char* key, bool required,
                                                SizeRule size_rule) {
  std::vector<solidfire::Volume> out;
  auto list = required ? std::optional<JsonView>(request.required(key)) : request.member(key);
  if (list) list->for_each_element([&](const JsonView& v) { out.push_back(parse_volume(v, size_rule)); });
  return out;
}

std::vector<solidfire::Snapshot> parse_snapshot_list(const JsonView& request, const char* key, bool required) {
  std::vector<solidfire::Snapshot> out;
  auto list = required ? std::optional<JsonView>(request.required(key)) : request.member(key);
  if (list) list->for_each_element([&](const JsonView& s) { out.push_back(parse_snapshot(s)); });
  return out;
}

}  // namespace sfplugin
