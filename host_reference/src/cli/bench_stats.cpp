#include "bench_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vdp::host::cli::bench {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // p * n first: exact for whole percentages, where p / 100 * n can land just above an integer.
  const double rank = std::ceil(p * static_cast<double>(sorted.size()) / 100.0);
  const size_t index = rank < 1 ? 0 : std::min(sorted.size(), static_cast<size_t>(rank)) - 1;
  return sorted[index];
}

LatencySummary summarize(std::vector<double> samples_ms) {
  LatencySummary s;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  s.samples = samples_ms.size();
  s.p50_ms = percentile(samples_ms, 50);
  s.p95_ms = percentile(samples_ms, 95);
  s.p99_ms = percentile(samples_ms, 99);
  s.min_ms = samples_ms.front();
  s.max_ms = samples_ms.back();
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / static_cast<double>(s.samples);
  return s;
}

}  // namespace vdp::host::cli::bench
