// A normalised, comparable text of everything an Element cluster holds: accounts, volumes (deleted ones
// included), snapshots, group snapshots, volume access groups and QoS policies. Ids become references
// by name, timestamps and generated UUIDs/secrets disappear, and the per-run unique names of a scenario
// become placeholders, so two runs of one scenario on a fresh cluster compare as strings.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "support.h"

namespace faults {

// The per-run unique strings of one scenario run (uuids, project names, IQNs) and their placeholders.
class Tokens {
 public:
  void add(const std::string& value, const std::string& label);
  // Every value replaced by "<label>", longest values first (an IQN contains no uuid, but a value may
  // contain a shorter one).
  std::string apply(std::string text) const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

// One line per object, sorted within each section; placeholders applied.
std::string cluster_dump(it::Sim& sim, const Tokens& tokens);

// The lines only `expected` has ("- ") and those only `actual` has ("+ "); empty when equal.
std::string dump_diff(const std::string& expected, const std::string& actual);

}  // namespace faults
