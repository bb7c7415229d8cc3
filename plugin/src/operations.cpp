#include "operations.h"

#include <spdlog/logger.h>

#include <set>

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
  try {
    auto handle = std::make_unique<vdp_driver>();
    handle->host = copy_host(host);
    CurrentCall scope(&handle->host, nullptr);
    handle->logger = make_host_logger(&handle->host, log_level_option(handle->host, cfg));
    solidfire::DriverDeps deps;
    deps.logger = handle->logger;
    const vdp_host& h = handle->host;
    handle->driver = solidfire::SolidFireDriver::create(
        [&h, cfg](const std::string& key) { return config_value(h, cfg, key); }, std::move(deps));
    if (!emit(warnings_json(handle->driver->warnings()), out, out_len)) return VDP_E_INTERNAL;
    *drv = handle.release();
    return VDP_OK;
  } catch (const Error& e) {
    return fail(error_info(e, "create"), nullptr, nullptr, out, out_len);
  } catch (const std::bad_alloc&) {
    return fail(simple_error(VDP_E_INTERNAL, "out of memory", "create"), nullptr, nullptr, out, out_len);
  } catch (const std::exception& e) {
    return fail(simple_error(VDP_E_INTERNAL, std::string("internal error: ") + e.what(), "create"), nullptr, nullptr,
                out, out_len);
  } catch (...) {
    return fail(simple_error(VDP_E_INTERNAL, "internal error", "create"), nullptr, nullptr, out, out_len);
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
  return run_op("setup", d, c, req, len, out, out_len, [](OpCall& call) {
    call.driver().setup(call.ctx);
    return std::string("{}");
  });
}

vdp_status describe(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out, size_t* out_len) noexcept {
  return run_op("describe", d, c, req, len, out, out_len, [](OpCall&) {
    Description desc{"solidfire", "NetApp SolidFire (vdp)", VDP_SOLIDFIRE_DRIVER_VERSION, VDP_ABI_VERSION,
                     VDP_SCHEMA_VERSION, served_operations()};
    return to_json(desc);
  });
}

vdp_status create_volume(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                         size_t* out_len) noexcept {
  return run_op("create_volume", d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kRequired);
    return to_json(call.driver().create_volume(call.ctx, volume));
  });
}

vdp_status delete_volume(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                         size_t* out_len) noexcept {
  return run_op("delete_volume", d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    call.driver().delete_volume(call.ctx, volume);
    return std::string("{}");
  });
}

vdp_status get_volume_stats(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                            size_t* out_len) noexcept {
  return run_op("get_volume_stats", d, c, req, len, out, out_len, [](OpCall& call) {
    bool refresh = false;
    if (auto r = call.request.member("refresh")) refresh = r->as_bool();
    return to_json(call.driver().get_volume_stats(call.ctx, refresh));
  });
}

vdp_status create_export(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                         size_t* out_len) noexcept {
  return run_op("create_export", d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    return to_json(call.driver().create_export(call.ctx, volume, optional_connector(call.request, false)));
  });
}

vdp_status ensure_export(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                         size_t* out_len) noexcept {
  return run_op("ensure_export", d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    return to_json(call.driver().ensure_export(call.ctx, volume));
  });
}

// Element exports need no teardown: CHAP credentials belong to the account and stay valid.
vdp_status remove_export(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                         size_t* out_len) noexcept {
  return run_op("remove_export", d, c, req, len, out, out_len, [](OpCall& call) {
    parse_volume(call.request.required("volume"), SizeRule::kOptional);
    return std::string("{}");
  });
}

vdp_status initialize_connection(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                 size_t* out_len) noexcept {
  return run_op("initialize_connection", d, c, req, len, out, out_len, [](OpCall& call) {
    const auto volume = parse_volume(call.request.required("volume"), SizeRule::kOptional);
    const auto connector = parse_connector(call.request.required("connector"), true);
    return to_json(call.driver().initialize_connection(call.ctx, volume, connector));
  });
}

const std::vector<std::string>& served_operations() {
  static const std::vector<std::string> ops = {"setup",         "describe",      "create_volume",
                                               "delete_volume", "get_volume_stats", "create_export",
                                               "ensure_export", "remove_export", "initialize_connection"};
  return ops;
}

}  // namespace sfplugin
