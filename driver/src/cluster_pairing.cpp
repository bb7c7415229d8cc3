// Finds or makes the cluster pair between the primary and its replication target (cluster_pairing.h).
#include "cluster_pairing.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "element_api.h"
#include "poll.h"
#include "util.h"

namespace solidfire {

namespace {

constexpr int kMaxPairingAttempts = 3;

bool same_address(const std::string& a, const std::string& b) {
  return !a.empty() && util::to_lower(a) == util::to_lower(b);
}

std::optional<ClusterPair> pair_to(const std::vector<ClusterPair>& pairs, const PairingEnds& ends) {
  for (const auto& p : pairs) {
    if (same_address(p.mvip, ends.remote_mvip) || same_address(p.mvip, ends.configured_mvip)) return p;
  }
  return std::nullopt;
}

// RemoveClusterPair of a pending pair we started; never fatal (the pair is reported instead).
void remove_pending(CallContext& ctx, ElementClient& local, int64_t id, spdlog::logger& log) {
  Json params = Json::object();
  params.set("clusterPairID", id);
  try {
    local.call(ctx, element::kRemoveClusterPair, params);
    log.info("removed the pending cluster pair {} this driver had started", id);
  } catch (const Error& e) {
    if (e.backend_error() == element::err::kPairingDoesNotExist) return;
    log.warn("could not remove the pending cluster pair {} ({}); remove it with RemoveClusterPair", id, e.message());
  }
}

// Waits until the local side lists pair `id` Connected.
void wait_connected(CallContext& ctx, const PairingEnds& ends, int64_t id, std::chrono::seconds timeout,
                    Clock& clock) {
  PollSpec spec;
  spec.what = "the cluster pair with " + ends.remote_mvip + " (clusterPairID " + std::to_string(id) +
              ") to be Connected";
  spec.option = "sf_cluster_pairing_timeout";
  spec.window = timeout;
  spec.first_interval = std::chrono::milliseconds(200);
  spec.max_interval = std::chrono::milliseconds(3000);  // Cinder polls every 3 s
  poll_until(ctx, clock, spec, [&] {
    for (const auto& p : list_cluster_pairs(ctx, ends.local)) {
      if (p.id == id) return p.status == "Connected";
    }
    throw Error(ErrorCode::kBackend, "the cluster pair " + std::to_string(id) + " with " + ends.remote_mvip +
                                         " disappeared while waiting for it to connect");
  });
}

}  // namespace

std::vector<ClusterPair> list_cluster_pairs(CallContext& ctx, ElementClient& client) {
  Json r = client.call(ctx, element::kListClusterPairs, Json::object());
  const JsonView list = r["clusterPairs"];
  if (!list.is_array()) {
    throw Error(ErrorCode::kBackend, "unexpected reply from cluster to ListClusterPairs: no clusterPairs list");
  }
  std::vector<ClusterPair> out;
  for (const JsonView item : list.items()) {
    ClusterPair p;
    auto id = item.int64("clusterPairID");
    if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to ListClusterPairs: a pair has no id");
    p.id = *id;
    p.mvip = item.string_or("mvip", "");
    p.status = item.string_or("status", "");
    p.uuid = item.string_or("clusterPairUUID", "");
    p.cluster_name = item.string_or("clusterName", "");
    out.push_back(std::move(p));
  }
  return out;
}

int64_t ensure_cluster_pair(CallContext& ctx, const PairingEnds& ends, std::chrono::seconds timeout, Clock& clock,
                            spdlog::logger& log) {
  // One pairing at a time per target in the host's lock namespace; other hosts are handled by the
  // cluster's own answer (xPairingAlreadyExists).
  const auto lock = ctx.lock("solidfire-cluster-pair-" + util::to_lower(ends.remote_mvip),
                             std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  for (int attempt = 1; attempt <= kMaxPairingAttempts; ++attempt) {
    const std::vector<ClusterPair> before = list_cluster_pairs(ctx, ends.local);
    if (auto existing = pair_to(before, ends)) {
      if (existing->status != "Connected") {
        log.info("cluster pair {} with {} is {}; waiting for it to connect", existing->id, ends.remote_mvip,
                 existing->status);
        wait_connected(ctx, ends, existing->id, timeout, clock);
      }
      return existing->id;
    }

    // Start on the primary. A lost reply leaves a pending pair we cannot name: list what appeared and
    // remove it, then start again.
    int64_t pending_id = 0;
    std::string key;
    try {
      Json r = ends.local.call(ctx, element::kStartClusterPairing, Json::object());
      key = r.view().string_or("clusterPairingKey", "");
      pending_id = r.view().int64("clusterPairID").value_or(0);
      if (key.empty() || pending_id == 0) {
        throw Error(ErrorCode::kBackend,
                    "unexpected reply from cluster to StartClusterPairing: no clusterPairingKey or clusterPairID");
      }
    } catch (const OutcomeUnknownError& e) {
      log.warn("StartClusterPairing lost its answer ({}); removing the pending pair it may have made", e.message());
      std::set<int64_t> known;
      for (const auto& p : before) known.insert(p.id);
      for (const auto& p : list_cluster_pairs(ctx, ends.local)) {
        if (known.count(p.id) == 0 && p.status == "Unconfigured") remove_pending(ctx, ends.local, p.id, log);
      }
      continue;
    }

    // Complete on the target.
    Json params = Json::object();
    params.set("clusterPairingKey", key);
    try {
      ends.remote.call(ctx, element::kCompleteClusterPairing, params);
    } catch (const OutcomeUnknownError& e) {
      // Either it completed (our pending pair now points at the target) or it did not: look.
      log.warn("CompleteClusterPairing lost its answer ({}); checking the pair", e.message());
      if (auto now = pair_to(list_cluster_pairs(ctx, ends.local), ends)) {
        if (now->id != pending_id) remove_pending(ctx, ends.local, pending_id, log);
        wait_connected(ctx, ends, now->id, timeout, clock);
        return now->id;
      }
      remove_pending(ctx, ends.local, pending_id, log);
      continue;
    } catch (const Error& e) {
      remove_pending(ctx, ends.local, pending_id, log);
      if (e.backend_error() == element::err::kPairingAlreadyExists) {
        // Another host (or an earlier run) paired the clusters meanwhile: use that pair.
        log.info("the clusters were paired meanwhile (xPairingAlreadyExists); using the existing pair");
        continue;
      }
      if (e.backend_error() == element::err::kInvalidPairingKey) {
        log.warn("the target refused the pairing key ({}); starting the pairing again", e.message());
        continue;
      }
      throw;
    }
    log.info("paired with the replication target {} (clusterPairID {})", ends.remote_mvip, pending_id);
    wait_connected(ctx, ends, pending_id, timeout, clock);
    return pending_id;
  }
  throw Error(ErrorCode::kBackend, "could not pair with the replication target " + ends.remote_mvip + " after " +
                                       std::to_string(kMaxPairingAttempts) + " attempts")
      .with_retryable(true);
}

}  // namespace solidfire
