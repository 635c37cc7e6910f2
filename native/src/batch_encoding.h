// Encodes a batch of owned events for JavaScript as (numbers: Float64Array, text: string,
// ends: Uint32Array). Building objects property by property through N-API costs tens of
// microseconds per event (every set is a hidden-class transition), and one N-API string per field
// still costs more than the rest of the event; so all strings of a batch travel as one JS string
// with the UTF-16 end offset of each, and src/native/batch-decoder.ts slices them and builds plain
// objects with literals. The layout below is the contract between the two files: change both.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "converted_event.h"

namespace emondguard {

// Number slots per event.
enum NumberSlot : uint32_t {
  kSlotKind = 0,        // 0 exec, 1 fork, 2 exit
  kSlotVersion,
  kSlotFlags,           // EventFlag bits
  kSlotTimeSec,
  kSlotTimeNsec,
  kSlotSeqNum,
  kSlotGlobalSeqNum,
  kSlotHandlerEntryNs,
  kSlotPid,
  kSlotPidversion,
  kSlotPpid,
  kSlotOriginalPpid,
  kSlotAuid,
  kSlotEuid,
  kSlotEgid,
  kSlotRuid,
  kSlotRgid,
  kSlotCodesigningFlags,
  kSlotStartSec,
  kSlotStartUsec,
  kSlotParentPid,
  kSlotParentPidversion,
  kSlotResponsiblePid,
  kSlotInstigatorPid,
  kSlotInstigatorPidversion,
  kSlotArgCount,        // what es_exec_arg_count reported
  kSlotKeptArgs,        // how many argument strings follow
  kSlotExitStatus,
  kNumberSlots
};

enum EventFlag : uint32_t {
  kFlagSeqNum = 1u << 0,
  kFlagGlobalSeqNum = 1u << 1,
  kFlagTty = 1u << 2,
  kFlagStartTime = 1u << 3,
  kFlagTokens = 1u << 4,
  kFlagExecutableTruncated = 1u << 5,
  kFlagPlatformBinary = 1u << 6,
  kFlagArgsTruncated = 1u << 7,
  kFlagCwd = 1u << 8,
  kFlagCwdTruncated = 1u << 9,
  kFlagScript = 1u << 10,
  kFlagParentPath = 1u << 11,
  kFlagParentPathVerified = 1u << 12,
  kFlagInstigatorTruncated = 1u << 13,
};

// Strings per event, in order: executable, signingId, teamId, cdhash (hex), tty (if kFlagTty),
// instigator executable, then for exec: kept args, cwd (if kFlagCwd), script (if kFlagScript),
// parent executable (if kFlagParentPath).
struct EncodedBatch {
  Napi::Float64Array numbers;
  Napi::String text;
  Napi::Uint32Array ends;  // UTF-16 end offset of each string in `text`
};

EncodedBatch encodeBatch(Napi::Env env, const std::vector<ConvertedEvent *> &events);

// Appends `length` bytes to `out` as valid UTF-8, replacing each maximal invalid subpart with
// U+FFFD exactly as the WHATWG decoder (and so V8) would, and returns the UTF-16 length of what it
// appended. Exposed for tests of the offsets.
size_t appendSanitizedUtf8(const char *data, size_t length, std::string &out, bool &ascii);

}  // namespace emondguard
