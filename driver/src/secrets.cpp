#include "solidfire/secrets.h"

#include <vector>

#include "util.h"

namespace solidfire {

void SecretSet::add(const std::string& secret) {
  if (secret.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  secrets_.insert(secret);
}

std::string SecretSet::scrub(std::string text) const {
  std::vector<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known.assign(secrets_.begin(), secrets_.end());
  }
  return util::scrub(std::move(text), known);  // the one scrubber, also used on Element replies
}

}  // namespace solidfire
