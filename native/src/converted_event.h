// The owned copy of an ES message: the only data that crosses from the ES thread to the JS thread.
// Everything is copied by length (es_string_token_t is not NUL-terminated) and every field that
// depends on the message version carries a `has…` flag so JavaScript can tell "absent" from zero.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emondguard {

enum class EventKind : uint8_t { Exec, Fork, Exit };

// How the exec's parent executable path was obtained on the ES thread.
enum class ParentPathStatus : uint8_t {
  None,        // not resolved (the parent is gone, or the lookup failed)
  Verified,    // proc_pidpath_audittoken: the path belongs to the parent's exact pid+pidversion
  Unverified,  // proc_pidpath by ppid only (message version < 4): the pid may have been reused
};

struct OwnedProcess {
  int32_t pid = 0;
  int32_t pidversion = 0;
  int32_t ppid = 0;
  int32_t originalPpid = 0;
  uint32_t auid = 0;
  uint32_t euid = 0;
  uint32_t egid = 0;
  uint32_t ruid = 0;
  uint32_t rgid = 0;
  uint32_t codesigningFlags = 0;
  bool isPlatformBinary = false;
  bool executableTruncated = false;
  bool hasTty = false;           // message version >= 2 and the process has a tty
  bool hasStartTime = false;     // message version >= 3
  bool hasTokens = false;        // message version >= 4: parent and responsible audit tokens
  int32_t parentPid = 0;
  int32_t parentPidversion = 0;
  int32_t responsiblePid = 0;
  int64_t startSec = 0;
  int32_t startUsec = 0;
  uint8_t cdhash[20] = {};
  std::string executable;
  std::string signingId;
  std::string teamId;
  std::string tty;

  // Every field back to its initial value; the strings keep their capacity.
  void reset() {
    pid = pidversion = ppid = originalPpid = 0;
    auid = euid = egid = ruid = rgid = codesigningFlags = 0;
    isPlatformBinary = executableTruncated = hasTty = hasStartTime = hasTokens = false;
    parentPid = parentPidversion = responsiblePid = 0;
    startSec = 0;
    startUsec = 0;
    for (uint8_t &byte : cdhash) byte = 0;
    executable.clear();
    signingId.clear();
    teamId.clear();
    tty.clear();
  }
};

// The process that caused the message: for exec the image before the exec, for fork the parent.
struct OwnedInstigator {
  int32_t pid = 0;
  int32_t pidversion = 0;
  bool executableTruncated = false;
  std::string executable;

  void reset() {
    pid = pidversion = 0;
    executableTruncated = false;
    executable.clear();
  }
};

struct ConvertedEvent {
  EventKind kind = EventKind::Exec;
  uint32_t version = 0;
  bool hasSeqNum = false;        // message version >= 2
  bool hasGlobalSeqNum = false;  // message version >= 4
  uint64_t seqNum = 0;
  uint64_t globalSeqNum = 0;
  int64_t timeSec = 0;
  int32_t timeNsec = 0;
  uint64_t handlerEntryNs = 0;   // monotonicNowNs() when the ES handler was entered
  OwnedProcess process;          // exec: the target; fork: the child; exit: the exiting process
  OwnedInstigator instigator;

  // exec only
  uint32_t argCount = 0;         // what es_exec_arg_count reported
  bool argsTruncated = false;    // count or byte cap hit
  std::string argBytes;          // the kept arguments, back to back
  std::vector<uint32_t> argEnds; // end offset of each kept argument in argBytes
  bool hasCwd = false;           // message version >= 3
  bool cwdTruncated = false;
  std::string cwd;
  bool hasScript = false;        // message version >= 2 and a script was executed directly
  std::string script;
  ParentPathStatus parentPathStatus = ParentPathStatus::None;
  std::string parentExecutable;

  // exit only
  int32_t exitStatus = 0;

  // What this event was charged against the queue's byte budget when it was queued (0 while it
  // is not queued); set and cleared by EventPipeline only.
  size_t accountedBytes = 0;

  // Heap bytes this event holds (capacities, not sizes: that is what stays resident), plus the
  // struct itself. Bounded by the converter's caps, so one event has a known maximum size.
  size_t ownedBytes() const {
    return sizeof(ConvertedEvent) + process.executable.capacity() + process.signingId.capacity() +
           process.teamId.capacity() + process.tty.capacity() + instigator.executable.capacity() +
           argBytes.capacity() + argEnds.capacity() * sizeof(uint32_t) + cwd.capacity() + script.capacity() +
           parentExecutable.capacity();
  }

  // Gives back buffers that grew past `maxBytes` (one huge argv must not leave every recycled
  // event holding its high-water capacity); small ones are kept so the steady state stays
  // allocation-free.
  void shrinkBuffers(size_t maxBytes) {
    auto trim = [maxBytes](std::string &s) {
      if (s.capacity() > maxBytes) std::string().swap(s);
    };
    trim(process.executable);
    trim(process.signingId);
    trim(process.teamId);
    trim(process.tty);
    trim(instigator.executable);
    trim(argBytes);
    trim(cwd);
    trim(script);
    trim(parentExecutable);
    if (argEnds.capacity() * sizeof(uint32_t) > maxBytes) std::vector<uint32_t>().swap(argEnds);
  }

  // Back to a fresh event without giving up string and vector capacity, so a recycled event
  // usually converts the next message without touching the allocator. Field by field, not by
  // assigning a new ConvertedEvent: on the ES thread every message pays for this, and a temporary
  // of the whole struct (ten strings) costs more than the conversion it prepares for.
  void reset() {
    kind = EventKind::Exec;
    version = 0;
    hasSeqNum = false;
    hasGlobalSeqNum = false;
    seqNum = 0;
    globalSeqNum = 0;
    timeSec = 0;
    timeNsec = 0;
    handlerEntryNs = 0;
    process.reset();
    instigator.reset();
    argCount = 0;
    argsTruncated = false;
    argBytes.clear();
    argEnds.clear();
    hasCwd = false;
    cwdTruncated = false;
    cwd.clear();
    hasScript = false;
    script.clear();
    parentPathStatus = ParentPathStatus::None;
    parentExecutable.clear();
    exitStatus = 0;
  }
};

}  // namespace emondguard
