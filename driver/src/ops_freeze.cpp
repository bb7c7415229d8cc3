// freeze_backend / thaw_backend: a flag in this driver that refuses control-plane changes (driver.h).
#include <spdlog/spdlog.h>

#include "driver_impl.h"

namespace solidfire {

void SolidFireDriverImpl::freeze_backend(CallContext&) {
  require_setup();
  if (!frozen_.exchange(true)) log_->warn("backend frozen: control-plane changes are refused until thaw_backend");
}

void SolidFireDriverImpl::thaw_backend(CallContext&) {
  require_setup();
  if (frozen_.exchange(false)) log_->info("backend thawed: control-plane changes are accepted again");
}

void SolidFireDriverImpl::refuse_if_frozen(const char* operation) const {
  if (!frozen_.load()) return;
  throw Error(ErrorCode::kFailedPrecondition,
              std::string(operation) + " refused: the backend is frozen (freeze_backend); thaw_backend lifts it");
}

}  // namespace solidfire
