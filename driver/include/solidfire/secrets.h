// The secrets a driver knows (cluster password, replication passwords, CHAP secrets of the accounts it
// has seen), so that whoever writes a message that leaves the driver (error objects, log lines) can
// scrub them. Shared by the driver and its host adapter; thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace solidfire {

class SecretSet {
 public:
  void add(const std::string& secret);  // empty strings are ignored
  // `text` with every known secret replaced by "***" (longest first, so no secret is half-replaced).
  std::string scrub(std::string text) const;

 private:
  struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
  };
  mutable std::mutex mu_;
  std::set<std::string, LongestFirst> secrets_;
};

}  // namespace solidfire
