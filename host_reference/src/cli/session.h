// Pieces the commands share: logging to stderr, progress display, driver creation, error printing.
#pragma once

#include <memory>
#include <string>

#include "options.h"
#include "vdp_host/host.h"

namespace vdp::host::cli {

// Plugin log lines at or above `level` go to stderr as "vdp-host: LEVEL message".
LogSink make_log_sink(int level);

// Shows progress of long waits on stderr: a bar when stderr is a terminal, lines at log level info.
class ProgressView {
 public:
  explicit ProgressView(int log_level);
  void update(uint64_t done, uint64_t total, const std::string& message);
  void finish();  // ends a bar line, if one is drawn

 private:
  bool tty_;
  int log_level_;
  bool drawn_ = false;
};

// CallOptions from the command line: timeout, Ctrl-C cancel flag, progress into `view`.
CallOptions make_call_options(const Options& o, ProgressView* view);

// Makes the driver from --plugin/--config/--backend. On create failure prints the error object on stderr
// and returns nullptr (exit status 3 then); other HostErrors propagate.
std::unique_ptr<Driver> make_driver(const Options& o, std::shared_ptr<Plugin> plugin, ConfigMap config);

// The error JSON of a failed call; a host-made one when the plugin returned none.
std::string error_output(const CallResult& r, const std::string& op);
// Prints the error object of a failed call on stderr (pretty unless --json).
void print_error(const Options& o, const CallResult& r, const std::string& op);

bool needs_setup(const std::string& op);  // false for setup and describe

// Reads a whole file ("-" = standard input); throws UsageError when it cannot.
std::string read_input(const std::string& path);
// REQUEST argument of call: inline JSON, @FILE or '-'.
std::string read_request_arg(const std::string& arg);
// Loads the plugin and the configuration named by the options (empty without --config).
std::shared_ptr<Plugin> load_plugin(const Options& o);
ConfigMap load_config(const Options& o);

}  // namespace vdp::host::cli
