#include "event_to_js.h"

namespace emondguard {
namespace {

Napi::String hexOf(Napi::Env env, const uint8_t (&bytes)[20]) {
  static const char kDigits[] = "0123456789ABCDEF";  // eslogger prints cdhash in upper case
  char text[40];
  for (size_t i = 0; i < 20; ++i) {
    text[2 * i] = kDigits[bytes[i] >> 4];
    text[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return Napi::String::New(env, text, sizeof(text));
}

Napi::String stringOf(Napi::Env env, const std::string &text) { return Napi::String::New(env, text.data(), text.size()); }

}  // namespace

EventObjectBuilder::EventObjectBuilder(Napi::Env env)
    : env_(env),
      kType(Napi::String::New(env, "type")),
      kVersion(Napi::String::New(env, "version")),
      kTimeSec(Napi::String::New(env, "timeSec")),
      kTimeNsec(Napi::String::New(env, "timeNsec")),
      kSeqNum(Napi::String::New(env, "seqNum")),
      kGlobalSeqNum(Napi::String::New(env, "globalSeqNum")),
      kHandlerEntryNs(Napi::String::New(env, "handlerEntryNs")),
      kProcess(Napi::String::New(env, "process")),
      kInstigator(Napi::String::New(env, "instigator")),
      kArgs(Napi::String::New(env, "args")),
      kArgCount(Napi::String::New(env, "argCount")),
      kArgsTruncated(Napi::String::New(env, "argsTruncated")),
      kCwd(Napi::String::New(env, "cwd")),
      kCwdTruncated(Napi::String::New(env, "cwdTruncated")),
      kScript(Napi::String::New(env, "script")),
      kParentExecutable(Napi::String::New(env, "parentExecutable")),
      kParentPathVerified(Napi::String::New(env, "parentPathVerified")),
      kExitStatus(Napi::String::New(env, "exitStatus")),
      kPid(Napi::String::New(env, "pid")),
      kPidversion(Napi::String::New(env, "pidversion")),
      kPpid(Napi::String::New(env, "ppid")),
      kOriginalPpid(Napi::String::New(env, "originalPpid")),
      kAuid(Napi::String::New(env, "auid")),
      kEuid(Napi::String::New(env, "euid")),
      kEgid(Napi::String::New(env, "egid")),
      kRuid(Napi::String::New(env, "ruid")),
      kRgid(Napi::String::New(env, "rgid")),
      kCodesigningFlags(Napi::String::New(env, "codesigningFlags")),
      kIsPlatformBinary(Napi::String::New(env, "isPlatformBinary")),
      kExecutable(Napi::String::New(env, "executable")),
      kExecutableTruncated(Napi::String::New(env, "executableTruncated")),
      kSigningId(Napi::String::New(env, "signingId")),
      kTeamId(Napi::String::New(env, "teamId")),
      kCdhash(Napi::String::New(env, "cdhash")),
      kTty(Napi::String::New(env, "tty")),
      kStartSec(Napi::String::New(env, "startSec")),
      kStartUsec(Napi::String::New(env, "startUsec")),
      kParentPid(Napi::String::New(env, "parentPid")),
      kParentPidversion(Napi::String::New(env, "parentPidversion")),
      kResponsiblePid(Napi::String::New(env, "responsiblePid")),
      vExec(Napi::String::New(env, "exec")),
      vFork(Napi::String::New(env, "fork")),
      vExit(Napi::String::New(env, "exit")) {}

void EventObjectBuilder::set(Napi::Object &object, napi_value key, napi_value value) {
  napi_status status = napi_set_property(env_, object, key, value);
  NAPI_THROW_IF_FAILED_VOID(env_, status);
}

Napi::Object EventObjectBuilder::buildProcess(const OwnedProcess &p) {
  Napi::Env env = env_;
  Napi::Object o = Napi::Object::New(env);
  set(o, kPid, Napi::Number::New(env, p.pid));
  set(o, kPidversion, Napi::Number::New(env, p.pidversion));
  set(o, kPpid, Napi::Number::New(env, p.ppid));
  set(o, kOriginalPpid, Napi::Number::New(env, p.originalPpid));
  set(o, kAuid, Napi::Number::New(env, p.auid));
  set(o, kEuid, Napi::Number::New(env, p.euid));
  set(o, kEgid, Napi::Number::New(env, p.egid));
  set(o, kRuid, Napi::Number::New(env, p.ruid));
  set(o, kRgid, Napi::Number::New(env, p.rgid));
  set(o, kCodesigningFlags, Napi::Number::New(env, p.codesigningFlags));
  set(o, kIsPlatformBinary, Napi::Boolean::New(env, p.isPlatformBinary));
  set(o, kExecutable, stringOf(env, p.executable));
  set(o, kExecutableTruncated, Napi::Boolean::New(env, p.executableTruncated));
  set(o, kSigningId, stringOf(env, p.signingId));
  set(o, kTeamId, stringOf(env, p.teamId));
  set(o, kCdhash, hexOf(env, p.cdhash));
  if (p.hasTty) set(o, kTty, stringOf(env, p.tty));
  if (p.hasStartTime) {
    set(o, kStartSec, Napi::Number::New(env, static_cast<double>(p.startSec)));
    set(o, kStartUsec, Napi::Number::New(env, p.startUsec));
  }
  if (p.hasTokens) {
    set(o, kParentPid, Napi::Number::New(env, p.parentPid));
    set(o, kParentPidversion, Napi::Number::New(env, p.parentPidversion));
    set(o, kResponsiblePid, Napi::Number::New(env, p.responsiblePid));
  }
  return o;
}

Napi::Object EventObjectBuilder::buildInstigator(const OwnedInstigator &i) {
  Napi::Object o = Napi::Object::New(env_);
  set(o, kPid, Napi::Number::New(env_, i.pid));
  set(o, kPidversion, Napi::Number::New(env_, i.pidversion));
  set(o, kExecutable, stringOf(env_, i.executable));
  set(o, kExecutableTruncated, Napi::Boolean::New(env_, i.executableTruncated));
  return o;
}

Napi::Object EventObjectBuilder::build(const ConvertedEvent &e) {
  Napi::Env env = env_;
  Napi::Object o = Napi::Object::New(env);
  set(o, kType, e.kind == EventKind::Exec ? vExec : e.kind == EventKind::Fork ? vFork : vExit);
  set(o, kVersion, Napi::Number::New(env, e.version));
  set(o, kTimeSec, Napi::Number::New(env, static_cast<double>(e.timeSec)));
  set(o, kTimeNsec, Napi::Number::New(env, e.timeNsec));
  if (e.hasSeqNum) set(o, kSeqNum, Napi::Number::New(env, static_cast<double>(e.seqNum)));
  if (e.hasGlobalSeqNum) set(o, kGlobalSeqNum, Napi::Number::New(env, static_cast<double>(e.globalSeqNum)));
  set(o, kHandlerEntryNs, Napi::Number::New(env, static_cast<double>(e.handlerEntryNs)));
  set(o, kProcess, buildProcess(e.process));
  set(o, kInstigator, buildInstigator(e.instigator));
  if (e.kind == EventKind::Exec) {
    Napi::Array args = Napi::Array::New(env, e.argEnds.size());
    uint32_t start = 0;
    for (uint32_t i = 0; i < e.argEnds.size(); ++i) {
      const uint32_t end = e.argEnds[i];
      args.Set(i, Napi::String::New(env, e.argBytes.data() + start, end - start));
      start = end;
    }
    set(o, kArgs, args);
    set(o, kArgCount, Napi::Number::New(env, e.argCount));
    set(o, kArgsTruncated, Napi::Boolean::New(env, e.argsTruncated));
    if (e.hasCwd) {
      set(o, kCwd, stringOf(env, e.cwd));
      set(o, kCwdTruncated, Napi::Boolean::New(env, e.cwdTruncated));
    }
    if (e.hasScript) set(o, kScript, stringOf(env, e.script));
    if (e.parentPathStatus != ParentPathStatus::None) {
      set(o, kParentExecutable, stringOf(env, e.parentExecutable));
      set(o, kParentPathVerified, Napi::Boolean::New(env, e.parentPathStatus == ParentPathStatus::Verified));
    }
  } else if (e.kind == EventKind::Exit) {
    set(o, kExitStatus, Napi::Number::New(env, e.exitStatus));
  }
  return o;
}

}  // namespace emondguard
