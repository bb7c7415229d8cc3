// What Element defines, named once: the JSON-RPC methods the driver sends (with the endpoint version
// each is sent on and whether it writes), the error names the driver reacts to, limits and units.
// No other driver file spells a method name, an error name or one of these numbers.
//
// Endpoint versions: volume, snapshot and group-snapshot work goes to 8.0 (the driver's floor: the
// `volume` object in replies, ListVolumes filters); volume access groups to 7.0 and accounts and
// cluster basics to 1.0, as Cinder sends them, so that old clusters keep working for those.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace solidfire::element {

// A JSON-RPC method: sent on /json-rpc/<version>/. `writes` decides what a lost reply means: a read
// is sent again, a write is reported as "outcome unknown" for the caller to resolve (element_client.h).
struct Method {
  std::string_view name;
  std::string_view version;
  bool writes;
};

// Cluster.
inline constexpr Method kGetClusterInfo{"GetClusterInfo", "1.0", false};
inline constexpr Method kGetClusterVersionInfo{"GetClusterVersionInfo", "1.0", false};
inline constexpr Method kGetClusterCapacity{"GetClusterCapacity", "8.0", false};
inline constexpr Method kGetAsyncResult{"GetAsyncResult", "8.0", false};
// Accounts.
inline constexpr Method kGetAccountByName{"GetAccountByName", "1.0", false};
inline constexpr Method kAddAccount{"AddAccount", "1.0", true};
inline constexpr Method kModifyAccount{"ModifyAccount", "1.0", true};
// Volumes.
inline constexpr Method kListVolumes{"ListVolumes", "8.0", false};
inline constexpr Method kListVolumesForAccount{"ListVolumesForAccount", "1.0", false};
inline constexpr Method kCreateVolume{"CreateVolume", "8.0", true};
inline constexpr Method kCloneVolume{"CloneVolume", "8.0", true};
inline constexpr Method kModifyVolume{"ModifyVolume", "8.0", true};
inline constexpr Method kDeleteVolume{"DeleteVolume", "1.0", true};
inline constexpr Method kPurgeDeletedVolume{"PurgeDeletedVolume", "1.0", true};
// Snapshots and group snapshots.
inline constexpr Method kListSnapshots{"ListSnapshots", "8.0", false};
inline constexpr Method kCreateSnapshot{"CreateSnapshot", "8.0", true};
inline constexpr Method kDeleteSnapshot{"DeleteSnapshot", "8.0", true};
inline constexpr Method kRollbackToSnapshot{"RollbackToSnapshot", "8.0", true};
inline constexpr Method kListGroupSnapshots{"ListGroupSnapshots", "8.0", false};
inline constexpr Method kCreateGroupSnapshot{"CreateGroupSnapshot", "8.0", true};
inline constexpr Method kDeleteGroupSnapshot{"DeleteGroupSnapshot", "8.0", true};
// Volume access groups.
inline constexpr Method kListVolumeAccessGroups{"ListVolumeAccessGroups", "7.0", false};
inline constexpr Method kCreateVolumeAccessGroup{"CreateVolumeAccessGroup", "7.0", true};
inline constexpr Method kDeleteVolumeAccessGroup{"DeleteVolumeAccessGroup", "7.0", true};
inline constexpr Method kAddInitiatorsToVolumeAccessGroup{"AddInitiatorsToVolumeAccessGroup", "7.0", true};
inline constexpr Method kAddVolumesToVolumeAccessGroup{"AddVolumesToVolumeAccessGroup", "7.0", true};
inline constexpr Method kRemoveVolumesFromVolumeAccessGroup{"RemoveVolumesFromVolumeAccessGroup", "7.0", true};
// Replication: cluster pairs and volume pairs.
inline constexpr Method kListClusterPairs{"ListClusterPairs", "8.0", false};
inline constexpr Method kStartClusterPairing{"StartClusterPairing", "8.0", true};
inline constexpr Method kCompleteClusterPairing{"CompleteClusterPairing", "8.0", true};
inline constexpr Method kRemoveClusterPair{"RemoveClusterPair", "8.0", true};
inline constexpr Method kStartVolumePairing{"StartVolumePairing", "8.0", true};
inline constexpr Method kCompleteVolumePairing{"CompleteVolumePairing", "8.0", true};
inline constexpr Method kRemoveVolumePair{"RemoveVolumePair", "8.0", true};
inline constexpr Method kListActivePairedVolumes{"ListActivePairedVolumes", "8.0", false};
inline constexpr Method kModifyVolumePair{"ModifyVolumePair", "8.0", true};

// Error names (the `error.name` of a JSON-RPC reply) the driver reacts to.
namespace err {
inline constexpr std::string_view kVolumeIDDoesNotExist = "xVolumeIDDoesNotExist";
inline constexpr std::string_view kAccountIDDoesNotExist = "xAccountIDDoesNotExist";
inline constexpr std::string_view kSnapshotIDDoesNotExist = "xSnapshotIDDoesNotExist";
inline constexpr std::string_view kGroupSnapshotIDDoesNotExist = "xGroupSnapshotIDDoesNotExist";
inline constexpr std::string_view kVolumeAccessGroupIDDoesNotExist = "xVolumeAccessGroupIDDoesNotExist";
inline constexpr std::string_view kAsyncHandleDoesNotExist = "xAsyncHandleDoesNotExist";
inline constexpr std::string_view kUnknownAccount = "xUnknownAccount";
inline constexpr std::string_view kDuplicateUsername = "xDuplicateUsername";
inline constexpr std::string_view kAlreadyInVolumeAccessGroup = "xAlreadyInVolumeAccessGroup";
inline constexpr std::string_view kNotInVolumeAccessGroup = "xNotInVolumeAccessGroup";
inline constexpr std::string_view kExceededLimit = "xExceededLimit";
inline constexpr std::string_view kMaxSnapshotsPerVolumeExceeded = "xMaxSnapshotsPerVolumeExceeded";
inline constexpr std::string_view kMaxClonesPerVolumeExceeded = "xMaxClonesPerVolumeExceeded";
inline constexpr std::string_view kMaxSnapshotsPerNodeExceeded = "xMaxSnapshotsPerNodeExceeded";
inline constexpr std::string_view kMaxClonesPerNodeExceeded = "xMaxClonesPerNodeExceeded";
inline constexpr std::string_view kPermissionDenied = "xPermissionDenied";
inline constexpr std::string_view kUnknownUsername = "xUnknownUsername";
inline constexpr std::string_view kUnknownAPIMethod = "xUnknownAPIMethod";
inline constexpr std::string_view kUnknownAPIVersion = "xUnknownAPIVersion";
inline constexpr std::string_view kUnknownRPCMethod = "xUnknownRPCMethod";
inline constexpr std::string_view kFeatureNotEnabled = "xFeatureNotEnabled";
inline constexpr std::string_view kPairingAlreadyExists = "xPairingAlreadyExists";
inline constexpr std::string_view kPairingDoesNotExist = "xPairingDoesNotExist";
inline constexpr std::string_view kInvalidPairingKey = "xInvalidPairingKey";
inline constexpr std::string_view kMissingParameter = "xMissingParameter";
inline constexpr std::string_view kUnrecognizedEnumString = "xUnrecognizedEnumString";
inline constexpr std::string_view kVolumeShrinkProhibited = "xVolumeShrinkProhibited";
inline constexpr std::string_view kInvalidPrefix = "xInvalid";  // xInvalidParameter, xInvalidSize, ...

// Transient names Cinder 2.2.5 retries (xPermissionDenied among them: it is not retried at setup).
inline constexpr std::array<std::string_view, 15> kRetryable = {
    "xDBVersionMismatch",  kMaxSnapshotsPerVolumeExceeded, kMaxClonesPerVolumeExceeded,
    kMaxSnapshotsPerNodeExceeded, kMaxClonesPerNodeExceeded, "xSliceNotRegistered",
    "xNotReadyForIO",      "xNotPrimary",                  "xDBOperationTimeout",
    "xDBConnectionLoss",   "xNoHandler",                   "xSnapshotFailed",
    "xRecvTimeout",        "xDBNoSuchPath",                kPermissionDenied,
};
// A cluster or per-volume limit was reached.
inline constexpr std::array<std::string_view, 5> kLimits = {
    kExceededLimit, kMaxSnapshotsPerVolumeExceeded, kMaxClonesPerVolumeExceeded, kMaxSnapshotsPerNodeExceeded,
    kMaxClonesPerNodeExceeded,
};
// The named object does not exist.
inline constexpr std::array<std::string_view, 8> kNotFound = {
    kUnknownAccount,          kVolumeIDDoesNotExist,           kAccountIDDoesNotExist,
    kSnapshotIDDoesNotExist,  kVolumeAccessGroupIDDoesNotExist, kAsyncHandleDoesNotExist,
    kNotInVolumeAccessGroup,  kPairingDoesNotExist,
};
}  // namespace err

// Units.
inline constexpr int64_t kGiB = int64_t{1} << 30;

// Limits.
inline constexpr size_t kMaxNameLength = 64;         // volume, account and VAG names
inline constexpr size_t kMaxSnapshotNameLength = 255;  // snapshot and group snapshot names
inline constexpr size_t kMaxAttributesBytes = 999;   // an attributes object prints under 1,000 bytes
inline constexpr int64_t kMaxVolumeSizeGiB = 16384;  // 1 GiB .. 16 TiB
inline constexpr int64_t kVolumesPerAccount = 2000;
inline constexpr size_t kMaxGroupSnapshotVolumes = 32;  // GetLimits volumesPerGroupSnapshotMax
inline constexpr int64_t kListVolumesPage = 10000;   // ListVolumes' default (and largest) page

// Default QoS of a volume created without one (min, max, burst IOPS).
inline constexpr int64_t kDefaultMinIops = 50;
inline constexpr int64_t kDefaultMaxIops = 15000;
inline constexpr int64_t kDefaultBurstIops = 15000;

// GiB needed to hold `bytes` (rounded up); 0 for nothing.
constexpr int64_t gib_ceil(int64_t bytes) { return bytes <= 0 ? 0 : bytes / kGiB + (bytes % kGiB != 0 ? 1 : 0); }

}  // namespace solidfire::element
