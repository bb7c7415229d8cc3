// vdp-host run FILE.jsonl: one {"op": ..., "request": ...} per line, in order.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "commands.h"
#include "json.h"
#include "session.h"
#include "signals.h"

namespace vdp::host::cli {
namespace {

void print_line(size_t lineno, const std::string& op, const CallResult& r) {
  Json j = make_object();
  set_number(j.get(), "line", static_cast<double>(lineno));
  set_string(j.get(), "op", op);
  set_string(j.get(), "status", vdp_status_name(r.status));
  set_number(j.get(), "code", r.status);
  if (!r.request_id.empty()) set_string(j.get(), "request_id", r.request_id);
  const std::string text = r.ok() ? (r.output.empty() ? "{}" : r.output) : error_output(r, op);
  Json value = parse_json(text);
  if (!value) value = Json(cJSON_CreateString(text.c_str()));
  set(j.get(), r.ok() ? "result" : "error", std::move(value));
  std::printf("%s\n", to_string(j.get(), false).c_str());
  std::fflush(stdout);
}

struct Step {
  std::string op;
  std::string request;
};

// Parses one script line; returns an error message when it is not a valid operation line.
std::string parse_step(const std::string& line, Step& step) {
  const Json j = parse_json(line);
  if (!j || !cJSON_IsObject(j.get())) return "line is not a JSON object";
  const auto op = get_string(j.get(), "op");
  if (!op || op->empty()) return "missing \"op\" (a string)";
  const auto& known = Plugin::known_operations();
  if (std::find(known.begin(), known.end(), *op) == known.end()) return "unknown operation '" + *op + "'";
  step.op = *op;
  const cJSON* req = cJSON_GetObjectItemCaseSensitive(j.get(), "request");
  if (!req || cJSON_IsNull(req)) step.request = "{}";
  else if (!cJSON_IsObject(req)) return "\"request\" must be an object";
  else step.request = to_string(req, false);
  return {};
}

}  // namespace

int cmd_run(const Options& o) {
  if (o.args.size() != 1) throw UsageError("run needs exactly one FILE.jsonl");
  const std::string script = read_input(o.args[0]);

  const auto plugin = load_plugin(o);
  auto driver = make_driver(o, plugin, load_config(o));
  if (!driver) return kExitLoad;

  ProgressView view(o.log_level);
  const CallOptions copts = make_call_options(o, &view);
  bool set_up = false;
  bool failed = false;
  bool malformed = false;
  std::istringstream in(script);
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (cancel_flag().load()) break;
    Step step;
    if (const std::string err = parse_step(line, step); !err.empty()) {
      CallResult bad;
      bad.status = VDP_E_INVALID_ARGUMENT;
      bad.output = make_error_json(VDP_E_INVALID_ARGUMENT, o.args[0] + ":" + std::to_string(lineno) + ": " + err);
      print_line(lineno, step.op.empty() ? "?" : step.op, bad);
      malformed = true;
      if (!o.keep_going) break;
      continue;
    }
    if (!set_up && needs_setup(step.op) && plugin->op(step.op)) {
      const CallResult r = driver->setup(copts);
      view.finish();
      if (!r.ok()) {
        print_line(lineno, "setup", r);
        failed = true;
        if (!o.keep_going || cancel_flag().load()) break;
        continue;
      }
      set_up = true;
    }
    const CallResult r = driver->call(step.op, step.request, copts);
    view.finish();
    print_line(lineno, step.op, r);
    if (step.op == "setup" && r.ok()) set_up = true;
    if (!r.ok()) {
      failed = true;
      if (!o.keep_going || cancel_flag().load()) break;
    }
  }
  if (malformed) return kExitUsage;
  if (failed) return kExitOperation;
  return cancel_flag().load() ? kExitInterrupted : kExitOk;  // interrupted between operations
}

}  // namespace vdp::host::cli
