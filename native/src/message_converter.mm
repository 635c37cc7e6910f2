#include "message_converter.h"

#include <climits>

namespace emondguard {
namespace {

// First message version that carries each field (Apple's header comments).
constexpr uint32_t kVersionSeqNumTtyScript = 2;
constexpr uint32_t kVersionStartTimeCwd = 3;
constexpr uint32_t kVersionTokensGlobalSeq = 4;

// A cut that does not split a UTF-8 sequence (JavaScript would show the tail as U+FFFD).
size_t utf8Cut(const char *data, size_t length, size_t max) {
  if (length <= max) return length;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(data[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// By length: the data is not guaranteed to be NUL-terminated. Returns true when the string was
// cut at kMaxStringBytes.
bool copyToken(const es_string_token_t &token, std::string &out) {
  if (token.data != nullptr && token.length > 0) {
    const size_t kept = utf8Cut(token.data, token.length, kMaxStringBytes);
    out.assign(token.data, kept);
    return kept < token.length;
  }
  out.clear();
  return false;
}

void copyProcess(const es_process_t &proc, uint32_t version, OwnedProcess &out) {
  const audit_token_t &token = proc.audit_token;
  out.pid = audit_token_to_pid(token);
  out.pidversion = audit_token_to_pidversion(token);
  out.auid = audit_token_to_auid(token);
  out.euid = audit_token_to_euid(token);
  out.egid = audit_token_to_egid(token);
  out.ruid = audit_token_to_ruid(token);
  out.rgid = audit_token_to_rgid(token);
  out.ppid = proc.ppid;
  out.originalPpid = proc.original_ppid;
  out.codesigningFlags = proc.codesigning_flags;
  out.isPlatformBinary = proc.is_platform_binary;
  static_assert(sizeof(out.cdhash) == sizeof(proc.cdhash), "cdhash is 20 bytes");
  for (size_t i = 0; i < sizeof(out.cdhash); ++i) out.cdhash[i] = proc.cdhash[i];
  copyToken(proc.signing_id, out.signingId);
  copyToken(proc.team_id, out.teamId);
  if (proc.executable != nullptr) {
    const bool cut = copyToken(proc.executable->path, out.executable);
    out.executableTruncated = proc.executable->path_truncated || cut;
  }
  if (version >= kVersionSeqNumTtyScript && proc.tty != nullptr) {
    out.hasTty = true;
    copyToken(proc.tty->path, out.tty);
  }
  if (version >= kVersionStartTimeCwd) {
    out.hasStartTime = true;
    out.startSec = proc.start_time.tv_sec;
    out.startUsec = static_cast<int32_t>(proc.start_time.tv_usec);
  }
  if (version >= kVersionTokensGlobalSeq) {
    out.hasTokens = true;
    out.parentPid = audit_token_to_pid(proc.parent_audit_token);
    out.parentPidversion = audit_token_to_pidversion(proc.parent_audit_token);
    out.responsiblePid = audit_token_to_pid(proc.responsible_audit_token);
  }
}

void copyInstigator(const es_process_t &proc, OwnedInstigator &out) {
  out.pid = audit_token_to_pid(proc.audit_token);
  out.pidversion = audit_token_to_pidversion(proc.audit_token);
  if (proc.executable != nullptr) {
    const bool cut = copyToken(proc.executable->path, out.executable);
    out.executableTruncated = proc.executable->path_truncated || cut;
  }
}

void copyArguments(const es_event_exec_t &exec, const ArgvCaps &caps, ConvertedEvent &out) {
  const uint32_t count = es_exec_arg_count(&exec);
  out.argCount = count;
  const uint32_t kept = count < caps.maxCount ? count : caps.maxCount;
  out.argsTruncated = kept < count;
  out.argEnds.reserve(kept);
  size_t budget = caps.maxBytes;
  // Indexes >= es_exec_arg_count are undefined behaviour, so the loop is bounded by `count`.
  for (uint32_t i = 0; i < kept; ++i) {
    const es_string_token_t arg = es_exec_arg(&exec, i);
    const size_t full = arg.data != nullptr ? arg.length : 0;
    // One giant argument is cut to its first maxArgLength bytes, not dropped: its prefix (the
    // interpreter's flags, the start of a script) is what the rules look at.
    const size_t length = full > 0 ? utf8Cut(arg.data, full, caps.maxArgLength) : 0;
    if (length > budget) {
      out.argsTruncated = true;
      break;
    }
    if (length < full) out.argsTruncated = true;
    budget -= length;
    out.argBytes.append(arg.data != nullptr ? arg.data : "", length);
    out.argEnds.push_back(static_cast<uint32_t>(out.argBytes.size()));
  }
}

// The parent's path, looked up now because by the time JavaScript sees the event the parent may
// have exited. With the parent's audit token (version >= 4) the execution is known exactly: first
// the cache of executions seen, then the kernel (proc_pidpath_audittoken, macOS 11+, which checks
// the pidversion so a reused pid can never lend its path). By ppid alone the result is unverified.
void resolveParentPath(const es_process_t &target, uint32_t version, ExecutionPathCache &paths, ConvertedEvent &out) {
  char buffer[PROC_PIDPATHINFO_MAXSIZE];
  int length = 0;
  if (version >= kVersionTokensGlobalSeq) {
    const int32_t parentPid = audit_token_to_pid(target.parent_audit_token);
    const int32_t parentPidversion = audit_token_to_pidversion(target.parent_audit_token);
    if (const std::string *known = paths.find(parentPid, parentPidversion)) {
      out.parentPathStatus = ParentPathStatus::Verified;
      out.parentExecutable = *known;
      return;
    }
    if (EG_RUNTIME_AT_LEAST_MACOS_11) {
      audit_token_t parent = target.parent_audit_token;
      length = proc_pidpath_audittoken(&parent, buffer, sizeof(buffer));
      if (length > 0) {
        out.parentPathStatus = ParentPathStatus::Verified;
        out.parentExecutable.assign(buffer, utf8Cut(buffer, static_cast<size_t>(length), kMaxStringBytes));
        // A (pid, pidversion) names one execution, so its path never changes: the next child of
        // this parent (a shell's next command) costs no syscall.
        paths.remember(parentPid, parentPidversion, out.parentExecutable);
      }
      return;
    }
  }
  if (target.ppid <= 0) return;
  length = proc_pidpath(target.ppid, buffer, sizeof(buffer));
  if (length > 0) {
    out.parentPathStatus = ParentPathStatus::Unverified;
    out.parentExecutable.assign(buffer, utf8Cut(buffer, static_cast<size_t>(length), kMaxStringBytes));
  }
}

// Whole paths only: a truncated one would be served later as if it were the real path.
void rememberPaths(const ConvertedEvent &out, ExecutionPathCache &paths) {
  if (!out.instigator.executableTruncated) paths.remember(out.instigator.pid, out.instigator.pidversion, out.instigator.executable);
  if (!out.process.executableTruncated) paths.remember(out.process.pid, out.process.pidversion, out.process.executable);
}

}  // namespace

bool convertMessage(const es_message_t *msg, const ArgvCaps &caps, uint64_t handlerEntryNs, ExecutionPathCache &paths,
                    ConvertedEvent &out) {
  const uint32_t version = msg->version;
  switch (msg->event_type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: {
      out.kind = EventKind::Exec;
      const es_event_exec_t &exec = msg->event.exec;
      copyProcess(*exec.target, version, out.process);
      copyInstigator(*msg->process, out.instigator);
      copyArguments(exec, caps, out);
      if (version >= kVersionSeqNumTtyScript && exec.script != nullptr) {
        out.hasScript = true;
        copyToken(exec.script->path, out.script);
      }
      if (version >= kVersionStartTimeCwd && exec.cwd != nullptr) {
        out.hasCwd = true;
        const bool cut = copyToken(exec.cwd->path, out.cwd);
        out.cwdTruncated = exec.cwd->path_truncated || cut;
      }
      resolveParentPath(*exec.target, version, paths, out);
      rememberPaths(out, paths);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_FORK:
      out.kind = EventKind::Fork;
      copyProcess(*msg->event.fork.child, version, out.process);
      copyInstigator(*msg->process, out.instigator);
      rememberPaths(out, paths);
      break;
    case ES_EVENT_TYPE_NOTIFY_EXIT:
      out.kind = EventKind::Exit;
      copyProcess(*msg->process, version, out.process);
      copyInstigator(*msg->process, out.instigator);
      out.exitStatus = msg->event.exit.stat;
      paths.forget(out.process.pid, out.process.pidversion);
      break;
    default:
      return false;
  }
  out.version = version;
  out.timeSec = msg->time.tv_sec;
  out.timeNsec = static_cast<int32_t>(msg->time.tv_nsec);
  out.handlerEntryNs = handlerEntryNs;
  if (version >= kVersionSeqNumTtyScript) {
    out.hasSeqNum = true;
    out.seqNum = msg->seq_num;
  }
  if (version >= kVersionTokensGlobalSeq) {
    out.hasGlobalSeqNum = true;
    out.globalSeqNum = msg->global_seq_num;
  }
  return true;
}

}  // namespace emondguard
