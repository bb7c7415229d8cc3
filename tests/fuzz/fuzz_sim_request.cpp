// libFuzzer target: element-sim's request handling (JSON-RPC envelope, parameter validation and every
// method's state changes), in process through element_sim::Server::handle.
//
// Input: one JSON-RPC request per line, run in order against a freshly reset cluster, so sequences (create
// an account, then a volume, then clone it ...) are reachable. A line may start with "@<api version> "
// (default 12.3).
//
// Properties (a violation aborts): handle() never throws (no faults are configured) and every reply is a
// JSON object with exactly one of "result" (an object) and "error" (an object with a string "name").
#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"

namespace {

void check_reply(const std::string& request, const std::string& reply) {
  std::unique_ptr<cJSON, decltype(&cJSON_Delete)> doc(cJSON_ParseWithLength(reply.data(), reply.size()), &cJSON_Delete);
  if (!doc || !cJSON_IsObject(doc.get())) vdpfuzz::violated("reply is not a JSON object", request + "\n-> " + reply);
  const cJSON* result = cJSON_GetObjectItemCaseSensitive(doc.get(), "result");
  const cJSON* error = cJSON_GetObjectItemCaseSensitive(doc.get(), "error");
  if ((result == nullptr) == (error == nullptr)) {
    vdpfuzz::violated("reply needs exactly one of result and error", request + "\n-> " + reply);
  }
  if (result != nullptr && !cJSON_IsObject(result)) vdpfuzz::violated("result is not an object", request + "\n-> " + reply);
  if (error != nullptr && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(error, "name"))) {
    vdpfuzz::violated("error has no string name", request + "\n-> " + reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static element_sim::Server* const sim = new element_sim::Server(vdpfuzz::quiet_sim_options());
  sim->reset_state();

  std::string_view input(reinterpret_cast<const char*>(data), size);
  int lines = 0;
  while (!input.empty() && lines++ < 64) {
    const size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    std::string version = "12.3";
    if (!line.empty() && line[0] == '@') {
      const size_t sp = line.find(' ');
      version = std::string(line.substr(1, sp == std::string_view::npos ? std::string_view::npos : sp - 1));
      line.remove_prefix(sp == std::string_view::npos ? line.size() : sp + 1);
    }
    const std::string request(line);
    std::string reply;
    try {
      reply = sim->handle(request, version);
    } catch (const std::exception& e) {
      vdpfuzz::violated("Server::handle threw", request + "\n-> " + e.what());
    }
    check_reply(request, reply);
  }
  return 0;
}
