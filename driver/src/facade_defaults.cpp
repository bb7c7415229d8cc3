// Default bodies of the facade's later operations: each refuses with kNotSupported naming itself, so a
// slot the implementation does not serve yet fails clearly instead of doing something partial.
#include "solidfire/driver.h"

namespace solidfire {
namespace {

[[noreturn]] void refuse(const char* operation) {
  throw Error(ErrorCode::kNotSupported, std::string(operation) + " is not supported by this version of the driver");
}

}  // namespace

std::vector<std::string> SolidFireDriver::supported_operations() const {
  return {"create_volume", "delete_volume", "get_volume_stats", "create_export", "ensure_export",
          "initialize_connection"};
}

void SolidFireDriver::extend_volume(CallContext&, const Volume&, int64_t) { refuse("extend_volume"); }
ModelUpdate SolidFireDriver::create_snapshot(CallContext&, const Snapshot&) { refuse("create_snapshot"); }
void SolidFireDriver::delete_snapshot(CallContext&, const Snapshot&) { refuse("delete_snapshot"); }
void SolidFireDriver::revert_to_snapshot(CallContext&, const Volume&, const Snapshot&) { refuse("revert_to_snapshot"); }
ModelUpdate SolidFireDriver::create_volume_from_snapshot(CallContext&, const Volume&, const Snapshot&) {
  refuse("create_volume_from_snapshot");
}
ModelUpdate SolidFireDriver::create_cloned_volume(CallContext&, const Volume&, const Volume&) {
  refuse("create_cloned_volume");
}
RetypeResult SolidFireDriver::retype(CallContext&, const Volume&, const VolumeType&) { refuse("retype"); }
void SolidFireDriver::remove_export(CallContext&, const Volume&) {}  // Element exports need no teardown
void SolidFireDriver::terminate_connection(CallContext&, const Volume&, const std::optional<Connector>&, bool) {
  refuse("terminate_connection");
}
void SolidFireDriver::attach_volume(CallContext&, const Volume&, const AttachRequest&) { refuse("attach_volume"); }
void SolidFireDriver::detach_volume(CallContext&, const Volume&, const std::optional<std::string>&) {
  refuse("detach_volume");
}
ModelUpdate SolidFireDriver::manage_existing(CallContext&, const Volume&, const ExistingRef&) {
  refuse("manage_existing");
}
int64_t SolidFireDriver::manage_existing_get_size(CallContext&, const Volume&, const ExistingRef&) {
  refuse("manage_existing_get_size");
}
void SolidFireDriver::unmanage(CallContext&, const Volume&) { refuse("unmanage"); }
ModelUpdate SolidFireDriver::accept_transfer(CallContext&, const Volume&, const std::string&, const std::string&) {
  refuse("accept_transfer");
}
ProviderInfoResult SolidFireDriver::update_provider_info(CallContext&, const std::vector<Volume>&,
                                                         const std::vector<Snapshot>&) {
  refuse("update_provider_info");
}
GroupResult SolidFireDriver::create_group(CallContext&, const Group&, GroupFlavor) { refuse("create_group"); }
void SolidFireDriver::update_group(CallContext&, const Group&, const std::vector<Volume>&, const std::vector<Volume>&,
                                   GroupFlavor) {
  refuse("update_group");
}
GroupResult SolidFireDriver::delete_group(CallContext&, const Group&, const std::vector<Volume>&, GroupFlavor) {
  refuse("delete_group");
}
GroupResult SolidFireDriver::create_group_from_src(CallContext&, const Group&, const std::vector<Volume>&,
                                                   const GroupSource&, GroupFlavor) {
  refuse("create_group_from_src");
}
GroupResult SolidFireDriver::create_group_snapshot(CallContext&, const GroupSnapshot&, const std::vector<Snapshot>&,
                                                   GroupFlavor) {
  refuse("create_group_snapshot");
}
GroupResult SolidFireDriver::delete_group_snapshot(CallContext&, const GroupSnapshot&, const std::vector<Snapshot>&,
                                                   GroupFlavor) {
  refuse("delete_group_snapshot");
}

}  // namespace solidfire
