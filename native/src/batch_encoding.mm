#include "batch_encoding.h"

namespace emondguard {
namespace {

class StringSink {
 public:
  StringSink(Napi::Env env, Napi::Array array) : env_(env), array_(array) {}
  void add(const char *data, size_t length) {
    napi_value value;
    NAPI_THROW_IF_FAILED_VOID(env_, napi_create_string_utf8(env_, data, length, &value));
    NAPI_THROW_IF_FAILED_VOID(env_, napi_set_element(env_, array_, index_++, value));
  }
  void add(const std::string &text) { add(text.data(), text.size()); }

 private:
  Napi::Env env_;
  Napi::Array array_;
  uint32_t index_ = 0;
};

void hexOf(const uint8_t (&bytes)[20], char (&text)[40]) {
  static const char kDigits[] = "0123456789ABCDEF";  // eslogger prints cdhash in upper case
  for (size_t i = 0; i < 20; ++i) {
    text[2 * i] = kDigits[bytes[i] >> 4];
    text[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
}

uint32_t flagsOf(const ConvertedEvent &e) {
  const OwnedProcess &p = e.process;
  uint32_t flags = 0;
  if (e.hasSeqNum) flags |= kFlagSeqNum;
  if (e.hasGlobalSeqNum) flags |= kFlagGlobalSeqNum;
  if (p.hasTty) flags |= kFlagTty;
  if (p.hasStartTime) flags |= kFlagStartTime;
  if (p.hasTokens) flags |= kFlagTokens;
  if (p.executableTruncated) flags |= kFlagExecutableTruncated;
  if (p.isPlatformBinary) flags |= kFlagPlatformBinary;
  if (e.argsTruncated) flags |= kFlagArgsTruncated;
  if (e.hasCwd) flags |= kFlagCwd;
  if (e.cwdTruncated) flags |= kFlagCwdTruncated;
  if (e.hasScript) flags |= kFlagScript;
  if (e.parentPathStatus != ParentPathStatus::None) flags |= kFlagParentPath;
  if (e.parentPathStatus == ParentPathStatus::Verified) flags |= kFlagParentPathVerified;
  if (e.instigator.executableTruncated) flags |= kFlagInstigatorTruncated;
  return flags;
}

void encodeNumbers(const ConvertedEvent &e, double *n) {
  const OwnedProcess &p = e.process;
  n[kSlotKind] = e.kind == EventKind::Exec ? 0 : e.kind == EventKind::Fork ? 1 : 2;
  n[kSlotVersion] = e.version;
  n[kSlotFlags] = flagsOf(e);
  n[kSlotTimeSec] = static_cast<double>(e.timeSec);
  n[kSlotTimeNsec] = e.timeNsec;
  n[kSlotSeqNum] = static_cast<double>(e.seqNum);
  n[kSlotGlobalSeqNum] = static_cast<double>(e.globalSeqNum);
  n[kSlotHandlerEntryNs] = static_cast<double>(e.handlerEntryNs);
  n[kSlotPid] = p.pid;
  n[kSlotPidversion] = p.pidversion;
  n[kSlotPpid] = p.ppid;
  n[kSlotOriginalPpid] = p.originalPpid;
  n[kSlotAuid] = p.auid;
  n[kSlotEuid] = p.euid;
  n[kSlotEgid] = p.egid;
  n[kSlotRuid] = p.ruid;
  n[kSlotRgid] = p.rgid;
  n[kSlotCodesigningFlags] = p.codesigningFlags;
  n[kSlotStartSec] = static_cast<double>(p.startSec);
  n[kSlotStartUsec] = p.startUsec;
  n[kSlotParentPid] = p.parentPid;
  n[kSlotParentPidversion] = p.parentPidversion;
  n[kSlotResponsiblePid] = p.responsiblePid;
  n[kSlotInstigatorPid] = e.instigator.pid;
  n[kSlotInstigatorPidversion] = e.instigator.pidversion;
  n[kSlotArgCount] = e.argCount;
  n[kSlotKeptArgs] = static_cast<double>(e.argEnds.size());
  n[kSlotExitStatus] = e.exitStatus;
}

void encodeStrings(const ConvertedEvent &e, StringSink &out) {
  const OwnedProcess &p = e.process;
  out.add(p.executable);
  out.add(p.signingId);
  out.add(p.teamId);
  char hex[40];
  hexOf(p.cdhash, hex);
  out.add(hex, sizeof(hex));
  if (p.hasTty) out.add(p.tty);
  out.add(e.instigator.executable);
  if (e.kind != EventKind::Exec) return;
  uint32_t start = 0;
  for (uint32_t end : e.argEnds) {
    out.add(e.argBytes.data() + start, end - start);
    start = end;
  }
  if (e.hasCwd) out.add(e.cwd);
  if (e.hasScript) out.add(e.script);
  if (e.parentPathStatus != ParentPathStatus::None) out.add(e.parentExecutable);
}

}  // namespace

EncodedBatch encodeBatch(Napi::Env env, const std::vector<ConvertedEvent *> &events) {
  Napi::Float64Array numbers = Napi::Float64Array::New(env, events.size() * kNumberSlots);
  Napi::Array strings = Napi::Array::New(env);
  StringSink sink(env, strings);
  double *slots = numbers.Data();
  for (size_t i = 0; i < events.size(); ++i) {
    encodeNumbers(*events[i], slots + i * kNumberSlots);
    encodeStrings(*events[i], sink);
  }
  return EncodedBatch{numbers, strings};
}

}  // namespace emondguard
