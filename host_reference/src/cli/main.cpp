// vdp-host: the reference host's command line.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "commands.h"
#include "help.h"
#include "options.h"
#include "signals.h"
#include "vdp_host/host.h"

#ifndef VDP_HOST_VERSION
#define VDP_HOST_VERSION "0.0.0"
#endif

using namespace vdp::host;
using namespace vdp::host::cli;

namespace {

// Every error vdp-host reports itself goes through here: "vdp-host: message" plus a hint, or with --json
// one error object shaped like the plugin's (status, code, message, ...).
int report(bool json, vdp_status status, const std::string& message, int exit_status, const std::string& hint = {}) {
  if (json) {
    std::fprintf(stderr, "%s\n", make_error_json(status, message).c_str());
  } else {
    std::fprintf(stderr, "vdp-host: %s\n", message.c_str());
    if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
  }
  std::fflush(stderr);
  return exit_status;
}

int usage_error(bool json, const std::string& message, const std::string& command) {
  return report(json, VDP_E_INVALID_ARGUMENT, message, kExitUsage,
                "try 'vdp-host " + (command.empty() ? std::string() : command + " ") + "--help'");
}

int dispatch(const Options& o) {
  if (o.replication && o.command != "demo") throw UsageError("--replication applies to demo only");
  if (!o.bench.first_given.empty() && o.command != "bench")
    throw UsageError(o.bench.first_given + " applies to bench only");
  if (o.command == "info") return cmd_info(o);
  if (o.command == "call") return cmd_call(o);
  if (o.command == "run") return cmd_run(o);
  if (o.command == "demo") return cmd_demo(o);
  if (o.command == "bench") return cmd_bench(o);
  throw UsageError("unknown command '" + o.command + "'");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  Options o;
  try {
    o = parse_options(args);
  } catch (const UsageError& e) {
    return usage_error(json_requested(args), e.what(), "");
  }
  if (o.version) {
    std::printf("vdp-host %s (host ABI %s, schema %s)\n", VDP_HOST_VERSION, version_string(VDP_ABI_VERSION).c_str(),
                version_string(VDP_SCHEMA_VERSION).c_str());
    return kExitOk;
  }
  if (o.command == "help") {
    const std::string topic = o.args.empty() ? "" : o.args[0];
    const std::string text = help_text(topic);
    if (text.empty()) return usage_error(o.json, "no help for '" + topic + "'", "");
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  if (o.help) {
    const std::string text = help_text(o.command);
    if (text.empty()) return usage_error(o.json, "unknown command '" + o.command + "'", "");
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  if (o.command.empty()) {
    if (o.json) return usage_error(true, "no command given", "");
    std::fputs(help_text("").c_str(), stderr);
    return kExitUsage;
  }
  if (o.keep_going && o.command != "run") return usage_error(o.json, "--keep-going applies to run only", o.command);

  install_interrupt_handler();
  try {
    const int rc = dispatch(o);
    std::fflush(stdout);
    return rc;
  } catch (const UsageError& e) {
    return usage_error(o.json, e.what(), o.command);
  } catch (const HostError& e) {
    return report(o.json, e.status(), e.what(), kExitLoad);
  } catch (const std::exception& e) {
    return report(o.json, VDP_E_INTERNAL, std::string("internal error: ") + e.what(), kExitOperation);
  }
}
