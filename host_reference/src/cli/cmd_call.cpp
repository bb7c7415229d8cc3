// vdp-host call OP [REQUEST | @FILE | -]
#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "json.h"
#include "session.h"

namespace vdp::host::cli {

int cmd_call(const Options& o) {
  if (o.args.empty()) throw UsageError("call needs an operation name (see vdp-host info)");
  if (o.args.size() > 2) throw UsageError("call takes OP and at most one REQUEST");
  const std::string& op = o.args[0];
  const auto& known = Plugin::known_operations();
  if (std::find(known.begin(), known.end(), op) == known.end())
    throw UsageError("unknown operation '" + op + "' (vdp-host info lists the plugin's operations)");
  const std::string request = o.args.size() > 1 ? read_request_arg(o.args[1]) : "{}";

  const auto plugin = load_plugin(o);
  auto driver = make_driver(o, plugin, load_config(o));
  if (!driver) return kExitLoad;

  ProgressView view(o.log_level);
  const CallOptions copts = make_call_options(o, &view);
  if (needs_setup(op) && plugin->op(op)) {
    const CallResult r = driver->setup(copts);
    view.finish();
    if (!r.ok()) {
      print_error(o, r, "setup");
      return kExitOperation;
    }
  }
  const CallResult r = driver->call(op, request, copts);
  view.finish();
  if (!r.ok()) {
    print_error(o, r, op);
    return kExitOperation;
  }
  std::printf("%s\n", reformat(r.output.empty() ? "{}" : r.output, !o.json).c_str());
  return kExitOk;
}

}  // namespace vdp::host::cli
