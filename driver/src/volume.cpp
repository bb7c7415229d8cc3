#include "volume.h"

namespace solidfire {

std::optional<SfVolume> parse_volume(JsonView v) {
  auto id = v.int64("volumeID");
  if (!id) return std::nullopt;
  SfVolume out;
  out.id = *id;
  out.account_id = v.int64("accountID").value_or(0);
  out.name = v.string_or("name", "");
  out.status = v.string_or("status", "");
  out.iqn = v.string_or("iqn", "");
  out.total_size = v.int64("totalSize").value_or(0);
  out.enable512e = v.boolean("enable512e").value_or(true);
  const JsonView attrs = v["attributes"];
  if (attrs.is_object()) {
    out.uuid_attr = attrs.string_or("uuid", "");
    out.migration_uuid = attrs.string_or("migration_uuid", "");
  }
  return out;
}

}  // namespace solidfire
