#include "bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "json.h"

namespace vdp::host::cli::bench {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Rounded for JSON: figures, not noise digits.
double rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string run_text(const Settings& s) {
  std::string text = std::to_string(s.callers) + (s.callers == 1 ? " caller, " : " callers, ");
  if (s.count)
    text += std::to_string(*s.count) + " operations per mix";
  else
    text += fixed(static_cast<double>(s.duration->count()) / 1000.0, 1) + " s per mix";
  text += " (warm-up: " + std::to_string(s.warmup) + " per caller)";
  if (s.call_opts.timeout)
    text += ", deadline " + fixed(static_cast<double>(s.call_opts.timeout->count()) / 1000.0, 1) + " s per call";
  return text;
}

// Only "samples": 0 when nothing succeeded.
Json latency_json(const LatencySummary& l) {
  Json j = make_object();
  set_number(j.get(), "samples", static_cast<double>(l.samples));
  if (l.samples == 0) return j;
  set_number(j.get(), "p50", rounded(l.p50_ms, 3));
  set_number(j.get(), "p95", rounded(l.p95_ms, 3));
  set_number(j.get(), "p99", rounded(l.p99_ms, 3));
  set_number(j.get(), "min", rounded(l.min_ms, 3));
  set_number(j.get(), "max", rounded(l.max_ms, 3));
  set_number(j.get(), "mean", rounded(l.mean_ms, 3));
  return j;
}

Json strings_json(const std::vector<std::string>& items) {
  Json a(cJSON_CreateArray());
  for (const auto& s : items) cJSON_AddItemToArray(a.get(), cJSON_CreateString(s.c_str()));
  return a;
}

}  // namespace

void print_header(const RunInfo& info) {
  std::printf("vdp-host bench: plugin %s %s (%s, ABI %s)\n", info.plugin_name.c_str(), info.plugin_version.c_str(),
              info.plugin_path.c_str(), info.plugin_abi.c_str());
  std::printf("  backend  %s\n", info.backend.c_str());
  std::printf("  TLS      %s\n",
              info.tls ? (std::string(info.tls_verify ? "verify on, " : "verify OFF, ") + info.tls_detail).c_str()
                       : info.tls_detail.c_str());
  std::printf("  run      %s, %u cores\n", run_text(info.settings).c_str(), info.cores);
  std::fflush(stdout);
}

void print_table(const RunInfo& info, const std::vector<MixResult>& results) {
  const std::vector<std::string> head{"mix",    "callers", "ops",     "ops/s", "p50 ms",
                                      "p95 ms", "p99 ms",  "RPCs/op", "errors"};
  std::vector<std::vector<std::string>> rows;
  for (const MixResult& r : results) {
    const bool timed = r.latency.samples > 0;  // no successful operation: no latency to show
    rows.push_back({r.mix->name, std::to_string(r.callers), std::to_string(r.ops), fixed(r.ops_per_second(), 1),
                    timed ? fixed(r.latency.p50_ms, 2) : "-", timed ? fixed(r.latency.p95_ms, 2) : "-",
                    timed ? fixed(r.latency.p99_ms, 2) : "-", r.rpcs_per_op ? fixed(*r.rpcs_per_op, 2) : "n/a",
                    std::to_string(r.errors)});
  }
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  // A Markdown table: the mix left-aligned, figures right-aligned.
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      out += " " + (c == 0 ? cells[c] + pad : pad + cells[c]) + " |";
    }
    std::printf("%s\n", out.c_str());
  };
  std::printf("\n");
  line(head);
  std::string rule = "|";
  for (size_t c = 0; c < head.size(); ++c)
    rule += (c == 0 ? std::string(width[c] + 2, '-') : std::string(width[c] + 1, '-') + ":") + "|";
  std::printf("%s\n", rule.c_str());
  for (const auto& row : rows) line(row);

  std::printf("\n");
  for (const MixResult& r : results) {
    std::printf("%s: one operation = %s", r.mix->name, r.mix->description);
    if (!r.rpcs_by_method.empty()) {
      std::string methods;
      // Rare RPCs (an account re-read every ~2000 creates) get the digits that keep them visible.
      for (const auto& [m, v] : r.rpcs_by_method)
        methods += (methods.empty() ? "" : ", ") + m + " " + fixed(v, v < 0.01 ? 5 : 2);
      std::printf("; RPCs: %s", methods.c_str());
    }
    if (r.interrupted) std::printf(" (interrupted: figures cover what finished before Ctrl-C)");
    std::printf("\n");
  }
  if (info.embedded) {
    std::printf("RPCs/op: Element RPCs the embedded simulator received during the measured phase, per operation\n");
  } else {
    std::printf("RPCs/op: n/a: the plugin exposes no RPC counter (only the embedded simulator counts them)\n");
  }
  std::printf(
      "latency: one operation's calls together, each timed around the host's call; ops/s over the "
      "measured phase (warm-up excluded)\n");
  if (info.volumes_after)
    std::printf("simulator after clean-up: %llu volumes, %llu snapshots\n",
                static_cast<unsigned long long>(*info.volumes_after),
                static_cast<unsigned long long>(info.snapshots_after.value_or(0)));
}

std::string to_json(const RunInfo& info, const std::vector<MixResult>& results) {
  Json root = make_object();
  Json plugin = make_object();
  set_string(plugin.get(), "name", info.plugin_name);
  set_string(plugin.get(), "version", info.plugin_version);
  set_string(plugin.get(), "path", info.plugin_path);
  set_string(plugin.get(), "abi", info.plugin_abi);
  set(root.get(), "plugin", std::move(plugin));

  Json backend = make_object();
  set_string(backend.get(), "kind", info.embedded ? "embedded-simulator" : "configured");
  set_string(backend.get(), "description", info.backend);
  if (!info.url.empty()) set_string(backend.get(), "url", info.url);
  cJSON_AddBoolToObject(backend.get(), "tls", info.tls);
  cJSON_AddBoolToObject(backend.get(), "tls_verify", info.tls && info.tls_verify);
  set(root.get(), "backend", std::move(backend));

  Json env = make_object();
  set_number(env.get(), "cores", info.cores);
  set_string(env.get(), "vdp_host_version", info.host_version);
  set(root.get(), "environment", std::move(env));

  const Settings& s = info.settings;
  Json settings = make_object();
  set_number(settings.get(), "callers", s.callers);
  if (s.count) set_number(settings.get(), "count", static_cast<double>(*s.count));
  if (s.duration) set_number(settings.get(), "duration_s", static_cast<double>(s.duration->count()) / 1000.0);
  set_number(settings.get(), "warmup_per_caller", static_cast<double>(s.warmup));
  if (s.call_opts.timeout)
    set_number(settings.get(), "timeout_s", static_cast<double>(s.call_opts.timeout->count()) / 1000.0);
  set(root.get(), "settings", std::move(settings));

  Json mixes(cJSON_CreateArray());
  bool interrupted = false;
  for (const MixResult& r : results) {
    interrupted = interrupted || r.interrupted;
    Json m = make_object();
    set_string(m.get(), "mix", r.mix->name);
    set_string(m.get(), "operation", r.mix->description);
    set_number(m.get(), "callers", r.callers);
    set_number(m.get(), "ops", static_cast<double>(r.ops));
    set_number(m.get(), "failed", static_cast<double>(r.failed));
    set_number(m.get(), "errors", static_cast<double>(r.errors));
    set_number(m.get(), "seconds", rounded(r.seconds, 3));
    set_number(m.get(), "ops_per_s", rounded(r.ops_per_second(), 1));
    set(m.get(), "latency_ms", latency_json(r.latency));
    Json calls = make_object();
    for (const auto& [op, l] : r.calls) set(calls.get(), op.c_str(), latency_json(l));
    set(m.get(), "calls_latency_ms", std::move(calls));
    if (r.rpcs_per_op) {
      set_number(m.get(), "rpcs_per_op", rounded(*r.rpcs_per_op, 6));
      Json methods = make_object();
      for (const auto& [method, v] : r.rpcs_by_method) set_number(methods.get(), method.c_str(), rounded(v, 6));
      set(m.get(), "rpcs_per_op_by_method", std::move(methods));
    } else {
      set(m.get(), "rpcs_per_op", Json(cJSON_CreateNull()));
    }
    set(m.get(), "first_errors", strings_json(r.first_errors));
    set(m.get(), "left_behind", strings_json(r.left_behind));
    cJSON_AddBoolToObject(m.get(), "interrupted", r.interrupted);
    cJSON_AddItemToArray(mixes.get(), m.release());
  }
  set(root.get(), "results", std::move(mixes));
  if (!info.embedded)
    set_string(root.get(), "rpcs_note", "the plugin exposes no RPC counter; only the embedded simulator counts them");
  if (info.volumes_after) {
    Json after = make_object();
    set_number(after.get(), "volumes", static_cast<double>(*info.volumes_after));
    set_number(after.get(), "snapshots", static_cast<double>(info.snapshots_after.value_or(0)));
    set(root.get(), "simulator_after_cleanup", std::move(after));
  }
  cJSON_AddBoolToObject(root.get(), "interrupted", interrupted);
  return to_string(root.get(), false);
}

void print_failures(const std::vector<MixResult>& results) {
  for (const MixResult& r : results) {
    if (r.errors > 0) {
      std::fprintf(stderr, "vdp-host: bench %s: %llu operation%s failed%s\n", r.mix->name,
                   static_cast<unsigned long long>(r.errors), r.errors == 1 ? "" : "s",
                   r.errors > r.first_errors.size() ? "; the first ones:" : ":");
      for (const auto& e : r.first_errors) std::fprintf(stderr, "  %s\n", e.c_str());
    }
    if (!r.left_behind.empty()) {
      std::fprintf(stderr, "vdp-host: bench %s: clean-up could not delete %zu resource%s; remove %s by hand:\n",
                   r.mix->name, r.left_behind.size(), r.left_behind.size() == 1 ? "" : "s",
                   r.left_behind.size() == 1 ? "it" : "them");
      for (const auto& e : r.left_behind) std::fprintf(stderr, "  %s\n", e.c_str());
    }
  }
  std::fflush(stderr);
}

}  // namespace vdp::host::cli::bench
