// Turns owned events into plain JavaScript objects (the NativeEvent shape documented in
// src/native/addon.ts). Runs on the JS thread only.
#pragma once

#include <napi.h>

#include "converted_event.h"

namespace emondguard {

// Property names are created once per batch and reused for every event in it, which keeps the
// per-event cost to value creation.
class EventObjectBuilder {
 public:
  explicit EventObjectBuilder(Napi::Env env);
  Napi::Object build(const ConvertedEvent &event);

 private:
  Napi::Object buildProcess(const OwnedProcess &process);
  Napi::Object buildInstigator(const OwnedInstigator &instigator);
  void set(Napi::Object &object, napi_value key, napi_value value);

  Napi::Env env_;
  Napi::String kType, kVersion, kTimeSec, kTimeNsec, kSeqNum, kGlobalSeqNum, kHandlerEntryNs, kProcess,
      kInstigator, kArgs, kArgCount, kArgsTruncated, kCwd, kCwdTruncated, kScript, kParentExecutable,
      kParentPathVerified, kExitStatus, kPid, kPidversion, kPpid, kOriginalPpid, kAuid, kEuid, kEgid, kRuid,
      kRgid, kCodesigningFlags, kIsPlatformBinary, kExecutable, kExecutableTruncated, kSigningId, kTeamId,
      kCdhash, kTty, kStartSec, kStartUsec, kParentPid, kParentPidversion, kResponsiblePid;
  Napi::String vExec, vFork, vExit;
};

}  // namespace emondguard
