#include "operations.h"

#include <spdlog/logger.h>

#include "descriptor.h"
#include "guard.h"
#include "request_types.h"
#include "result_json.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

const char* const kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

std::string log_level_option(const vdp_host& host, vdp_config* cfg) {
  const std::string level = config_value(host, cfg, "vdp_log_level").value_or("info");
  for (const char* known : kLogLevels) {
    if (level == known) return level;
  }
  throw Error(ErrorCode::kConfig, "vdp_log_level: must be one of trace, debug, info, warn, error, off")
      .with_field("vdp_log_level");
}

std::string optional_text(const JsonView& request, const char* key) {
  auto m = request.member(key);
  return m ? m->as_string() : std::string();
}

int64_t positive_size(const JsonView& v) {
  const int64_t size = v.as_int();
  if (size < 1) throw Error(ErrorCode::kInvalidArgument, v.path() + ": must be at least 1 (GiB)").with_field(v.path());
  return size;
}

std::optional<solidfire::Connector> optional_connector(const JsonView& request, bool initiator_required) {
  if (auto c = request.member("connector")) return parse_connector(*c, initiator_required);
  return std::nullopt;
}

}  // namespace

vdp_status create(const vdp_host* host, vdp_config* cfg, vdp_driver** drv, char** out, size_t* out_len) noexcept {
  if (out == nullptr) return VDP_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  if (drv == nullptr) return fail(simple_error(VDP_E_INVALID_ARGUMENT, "drv is NULL", "create", "drv"), nullptr, nullptr, out, out_len);
  *drv = nullptr;
  // Outside the try: a failure below still scrubs its message with the secrets read so far.
  std::unique_ptr<vdp_driver> handle;
  try {
    handle = std::make_unique<vdp_driver>();
    handle->host = copy_host(host);
    CurrentCall scope(&handle->host, nullptr);
    handle->logger = make_host_logger(&handle->host, log_level_option(handle->host, cfg), handle->secrets);
    solidfire::DriverDeps deps;
    deps.logger = handle->logger;
    deps.secrets = handle->secrets;
    const vdp_host& h = handle->host;
    handle->driver = solidfire::SolidFireDriver::create(
        [&h, cfg](const std::string& key) { return config_value(h, cfg, key); }, std::move(deps));
    if (!emit(warnings_json(handle->driver->warnings()), out, out_len)) return VDP_E_INTERNAL;
    *drv = handle.release();
    return VDP_OK;
  } catch (const Error& e) {
    return fail(error_info(e, "create"), handle.get(), nullptr, out, out_len);
  } catch (const std::bad_alloc&) {
    return fail(simple_error(VDP_E_INTERNAL, "out of memory", "create"), handle.get(), nullptr, out, out_len);
  } catch (const std::exception& e) {
    return fail(simple_error(VDP_E_INTERNAL, std::string("internal error: ") + e.what(), "create"), handle.get(),
                nullptr, out, out_len);
  } catch (...) {
    return fail(simple_error(VDP_E_INTERNAL, "internal error", "create"), handle.get(), nullptr, out, out_len);
  }
}

void destroy(vdp_driver* drv) noexcept {
  try {
    delete drv;
  } catch (...) {  // destructors should not throw; if one does, the process must still survive
  }
}

void free_string(char* s) noexcept { free_out_string(s); }

vdp_status setup(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out, size_t* out_len) noexcept {
  return run_guarded("setup", Needs::kNothing, d, c, req, len, out, out_len, [](OpCall& call) {
    call.driver().setup(call.ctx);
    return std::string("{}");
  });
}

vdp_status Slot<Op::describe>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                    size_t* out_len) noexcept {
  // The plugin's own static facts: served before setup, so a host can learn what to call first.
  return run_guarded(op_name(Op::describe), Needs::kNothing, d, c, req, len, out, out_len, [](OpCall&) {
    const vdp_plugin& p = descriptor();
    return to_json(Description{p.name, p.vendor, p.driver_version, p.abi_version, p.schema_version,
                               served_operations()});
  });
}

vdp_status Slot<Op::create_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::create_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kRequired);
    return to_json(call.driver().create_volume(call.ctx, volume));
  });
}

vdp_status Slot<Op::delete_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::delete_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    call.driver().delete_volume(call.ctx, volume);
    return std::string("{}");
  });
}

vdp_status Slot<Op::get_volume_stats>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                            size_t* out_len) noexcept {
  return run_op(op_name(Op::get_volume_stats), d, c, req, len, out, out_len, [](OpCall& call) {
    bool refresh = false;
    if (auto r = call.request.member("refresh")) refresh = r->as_bool();
    return to_json(call.driver().get_volume_stats(call.ctx, refresh));
  });
}

vdp_status Slot<Op::create_export>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::create_export), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    return to_json(call.driver().create_export(call.ctx, volume, optional_connector(call.request, false)));
  });
}

vdp_status Slot<Op::ensure_export>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::ensure_export), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    return to_json(call.driver().ensure_export(call.ctx, volume));
  });
}

vdp_status Slot<Op::remove_export>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::remove_export), d, c, req, len, out, out_len, [](OpCall& call) {
    call.driver().remove_export(call.ctx, parse_volume(call.request.required("volume"), SizeRule::kOptional));
    return std::string("{}");
  });
}

vdp_status Slot<Op::initialize_connection>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                                 size_t* out_len) noexcept {
  return run_op(op_name(Op::initialize_connection), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto connector = parse_connector(call.request.required("connector"), true);
    return to_json(call.driver().initialize_connection(call.ctx, volume, connector));
  });
}

vdp_status Slot<Op::extend_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::extend_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const int64_t new_size = positive_size(call.request.required("new_size"));
    call.driver().extend_volume(call.ctx, volume, new_size);
    return std::string("{}");
  });
}

vdp_status Slot<Op::create_snapshot>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                           size_t* out_len) noexcept {
  return run_op(op_name(Op::create_snapshot), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto snapshot = parse_snapshot(call.request.required("snapshot"));
    return to_json(call.driver().create_snapshot(call.ctx, snapshot));
  });
}

vdp_status Slot<Op::delete_snapshot>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                           size_t* out_len) noexcept {
  return run_op(op_name(Op::delete_snapshot), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto snapshot = parse_snapshot(call.request.required("snapshot"));
    call.driver().delete_snapshot(call.ctx, snapshot);
    return std::string("{}");
  });
}

vdp_status Slot<Op::revert_to_snapshot>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                              size_t* out_len) noexcept {
  return run_op(op_name(Op::revert_to_snapshot), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto snapshot = parse_snapshot(call.request.required("snapshot"));
    call.driver().revert_to_snapshot(call.ctx, volume, snapshot);
    return std::string("{}");
  });
}

vdp_status Slot<Op::create_volume_from_snapshot>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len,
                                                       char** out, size_t* out_len) noexcept {
  return run_op(op_name(Op::create_volume_from_snapshot), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kRequired);
    const auto snapshot = parse_snapshot(call.request.required("snapshot"));
    return to_json(call.driver().create_volume_from_snapshot(call.ctx, volume, snapshot));
  });
}

vdp_status Slot<Op::create_cloned_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                                size_t* out_len) noexcept {
  return run_op(op_name(Op::create_cloned_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kRequired);
    const auto source = parse_volume(call.request.required("src_vref"), SizeRule::kOptional);
    return to_json(call.driver().create_cloned_volume(call.ctx, volume, source));
  });
}

vdp_status Slot<Op::retype>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                  size_t* out_len) noexcept {
  return run_op(op_name(Op::retype), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto new_type = parse_volume_type(call.request.required("new_type"));
    return to_json(call.driver().retype(call.ctx, volume, new_type));
  });
}

// {"volume": {...}, "host": {"host": "name@backend#pool", "capabilities": {"location_info": ..., ...}}}
vdp_status Slot<Op::migrate_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                          size_t* out_len) noexcept {
  return run_op(op_name(Op::migrate_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const JsonView host = call.request.required("host");
    host.expect_object();
    solidfire::MigrationDestination destination;
    if (auto name = host.member("host")) destination.host = name->as_string();
    if (auto caps = host.member("capabilities")) {
      caps->expect_object();
      if (auto info = caps->member("location_info")) destination.location_info = info->as_string();
    }
    return to_json(call.driver().migrate_volume(call.ctx, volume, destination));
  });
}

vdp_status Slot<Op::terminate_connection>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                                size_t* out_len) noexcept {
  return run_op(op_name(Op::terminate_connection), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    bool force = false;
    if (auto f = call.request.member("force")) force = f->as_bool();
    call.driver().terminate_connection(call.ctx, volume, optional_connector(call.request, true), force);
    return std::string("{}");
  });
}

vdp_status Slot<Op::attach_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::attach_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    solidfire::AttachRequest attach;
    attach.instance_uuid = optional_text(call.request, "instance_uuid");
    attach.host_name = optional_text(call.request, "host_name");
    attach.mountpoint = optional_text(call.request, "mountpoint");
    attach.attach_time = optional_text(call.request, "attach_time");
    call.driver().attach_volume(call.ctx, volume, attach);
    return std::string("{}");
  });
}

vdp_status Slot<Op::detach_volume>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::detach_volume), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    std::optional<std::string> attachment_id;
    if (auto a = call.request.member("attachment")) {
      // The attachment's instance_uuid (when given) names the record attach_volume kept; else its id.
      attachment_id = a->required("id").as_string();
      if (auto instance = a->member("instance_uuid")) attachment_id = instance->as_string();
    }
    call.driver().detach_volume(call.ctx, volume, attachment_id);
    return std::string("{}");
  });
}

vdp_status Slot<Op::manage_existing>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                           size_t* out_len) noexcept {
  return run_op(op_name(Op::manage_existing), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto ref = parse_existing_ref(call.request.required("existing_ref"));
    return to_json(call.driver().manage_existing(call.ctx, volume, ref));
  });
}

vdp_status Slot<Op::manage_existing_get_size>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len,
                                                    char** out, size_t* out_len) noexcept {
  return run_op(op_name(Op::manage_existing_get_size), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto ref = parse_existing_ref(call.request.required("existing_ref"));
    return size_json(call.driver().manage_existing_get_size(call.ctx, volume, ref));
  });
}

vdp_status Slot<Op::unmanage>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                    size_t* out_len) noexcept {
  return run_op(op_name(Op::unmanage), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    call.driver().unmanage(call.ctx, volume);
    return std::string("{}");
  });
}

vdp_status Slot<Op::accept_transfer>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                           size_t* out_len) noexcept {
  return run_op(op_name(Op::accept_transfer), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const std::string new_user = optional_text(call.request, "new_user");
    const std::string new_project = call.request.required("new_project").as_string();
    return to_json(call.driver().accept_transfer(call.ctx, volume, new_user, new_project));
  });
}

vdp_status Slot<Op::update_provider_info>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                                size_t* out_len) noexcept {
  return run_op(op_name(Op::update_provider_info), d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volumes = parse_volume_list(call.request, "volumes", false);
    const auto snapshots = parse_snapshot_list(call.request, "snapshots", false);
    return to_json(call.driver().update_provider_info(call.ctx, volumes, snapshots));
  });
}

}  // namespace sfplugin
