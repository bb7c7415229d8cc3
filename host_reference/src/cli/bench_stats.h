// Latency figures of a bench run: exact percentiles over every sample (no histogram buckets).
#pragma once

#include <cstddef>
#include <vector>

namespace vdp::host::cli::bench {

struct LatencySummary {
  size_t samples = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  double min_ms = 0, max_ms = 0, mean_ms = 0;
};

// Nearest-rank percentile of sorted samples: the smallest sample with at least p% of the samples at or
// below it. Always one of the samples, so p50 <= p95 <= p99 holds by construction. 0 when empty.
double percentile(const std::vector<double>& sorted, double p);

// Sorts the samples and summarises them; all zero when there are none.
LatencySummary summarize(std::vector<double> samples_ms);

}  // namespace vdp::host::cli::bench
