#include "batch_encoding.h"

#include <cstring>

namespace emondguard {
namespace {

// Collects every string of a batch into one buffer plus UTF-16 end offsets.
class StringSink {
 public:
  void add(const char *data, size_t length) {
    units_ += appendSanitizedUtf8(data, length, bytes_, ascii_);
    ends_.push_back(static_cast<uint32_t>(units_));
  }
  void add(const std::string &text) { add(text.data(), text.size()); }

  Napi::String text(Napi::Env env) const {
    // All ASCII: a one-byte string copied as is, no decoding.
    return ascii_ ? Napi::String(env, latin1(env)) : Napi::String::New(env, bytes_.data(), bytes_.size());
  }
  Napi::Uint32Array ends(Napi::Env env) const {
    Napi::Uint32Array array = Napi::Uint32Array::New(env, ends_.size());
    if (!ends_.empty()) std::memcpy(array.Data(), ends_.data(), ends_.size() * sizeof(uint32_t));
    return array;
  }
  void reserve(size_t bytes, size_t strings) {
    bytes_.reserve(bytes);
    ends_.reserve(strings);
  }

 private:
  napi_value latin1(Napi::Env env) const {
    napi_value value;
    NAPI_THROW_IF_FAILED(env, napi_create_string_latin1(env, bytes_.data(), bytes_.size(), &value), napi_value());
    return value;
  }

  std::string bytes_;
  std::vector<uint32_t> ends_;
  size_t units_ = 0;
  bool ascii_ = true;
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

size_t appendSanitizedUtf8(const char *data, size_t length, std::string &out, bool &ascii) {
  const auto *bytes = reinterpret_cast<const unsigned char *>(data);
  size_t units = 0;
  size_t i = 0;
  while (i < length) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      // ASCII run: the common case, copied in one go.
      size_t j = i + 1;
      while (j < length && bytes[j] < 0x80) ++j;
      out.append(data + i, j - i);
      units += j - i;
      i = j;
      continue;
    }
    ascii = false;
    size_t needed = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      needed = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      needed = 2;
      if (lead == 0xE0) lower = 0xA0;
      if (lead == 0xED) upper = 0x9F;  // no UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      needed = 3;
      if (lead == 0xF0) lower = 0x90;
      if (lead == 0xF4) upper = 0x8F;  // nothing above U+10FFFF
    }
    size_t j = i + 1;
    bool valid = needed > 0;
    for (size_t k = 0; valid && k < needed; ++k, ++j) {
      if (j >= length || bytes[j] < lower || bytes[j] > upper) valid = false;
      lower = 0x80;
      upper = 0xBF;
      if (!valid) break;
    }
    if (valid) {
      out.append(data + i, j - i);
      units += needed == 3 ? 2 : 1;  // 4-byte sequences are surrogate pairs in UTF-16
      i = j;
    } else {
      // One U+FFFD for the maximal subpart (the lead plus the continuation bytes that were
      // still valid); the offending byte is looked at again as a possible new lead.
      out.append("\xEF\xBF\xBD");
      units += 1;
      i = j > i + 1 ? j : i + 1;
    }
  }
  return units;
}

EncodedBatch encodeBatch(Napi::Env env, const std::vector<ConvertedEvent *> &events) {
  Napi::Float64Array numbers = Napi::Float64Array::New(env, events.size() * kNumberSlots);
  StringSink sink;
  sink.reserve(events.size() * 256, events.size() * 12);
  double *slots = numbers.Data();
  for (size_t i = 0; i < events.size(); ++i) {
    encodeNumbers(*events[i], slots + i * kNumberSlots);
    encodeStrings(*events[i], sink);
  }
  return EncodedBatch{numbers, sink.text(env), sink.ends(env)};
}

}  // namespace emondguard
