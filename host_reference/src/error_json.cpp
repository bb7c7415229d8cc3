// Host-made error objects with the ABI's shape.
#include <cjson/cJSON.h>

#include <memory>

#include "vdp_host/errors.h"

namespace vdp::host {

std::string make_error_json(vdp_status status, const std::string& message, const std::string& operation,
                            const std::string& request_id) {
  std::unique_ptr<cJSON, decltype(&cJSON_Delete)> obj(cJSON_CreateObject(), &cJSON_Delete);
  if (!obj) throw std::bad_alloc();
  cJSON_AddStringToObject(obj.get(), "status", vdp_status_name(status));
  cJSON_AddNumberToObject(obj.get(), "code", status);
  cJSON_AddStringToObject(obj.get(), "message", message.c_str());
  if (!operation.empty()) cJSON_AddStringToObject(obj.get(), "operation", operation.c_str());
  cJSON_AddBoolToObject(obj.get(), "retryable", 0);
  cJSON_AddBoolToObject(obj.get(), "outcome_unknown", 0);  // the host fails before reaching the plugin
  if (!request_id.empty()) cJSON_AddStringToObject(obj.get(), "request_id", request_id.c_str());
  cJSON_AddObjectToObject(obj.get(), "details");
  std::unique_ptr<char, decltype(&cJSON_free)> text(cJSON_PrintUnformatted(obj.get()), &cJSON_free);
  if (!text) throw std::bad_alloc();
  return text.get();
}

}  // namespace vdp::host
