#include "process_snapshot.h"

#include <vector>

#include "audit_tokens.h"
#include "platform.h"

namespace emondguard {

namespace {

struct SnapshotEntry {
  struct proc_bsdinfo bsd;
  bool hasPidversion = false;
  int pidversion = 0;
  int pathLength = 0;
};

enum class ReadResult { Ok, Gone, Changed };

// One consistent reading of `pid`. With its audit token (root): the token first, then the BSD
// info, then the path through the token (the kernel refuses it if the pid now belongs to another
// process), then the token again: a pidversion that changed means the pid was reused while we
// read, and the fields may mix two processes. Without a token (not root) the plain calls are all
// there is, and the entry carries no pidversion.
ReadResult readProcess(pid_t pid, SnapshotEntry &entry, char *path, uint32_t pathSize) {
  audit_token_t token;
  entry.hasPidversion = auditTokenOfPid(pid, token);
  if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &entry.bsd, PROC_PIDTBSDINFO_SIZE) != PROC_PIDTBSDINFO_SIZE) return ReadResult::Gone;
  if (!entry.hasPidversion) {
    entry.pathLength = proc_pidpath(pid, path, pathSize);
    return ReadResult::Ok;
  }
  entry.pidversion = audit_token_to_pidversion(token);
  entry.pathLength = proc_pidpath_audittoken(&token, path, pathSize);
  audit_token_t after;
  if (!auditTokenOfPid(pid, after)) return ReadResult::Gone;
  if (audit_token_to_pidversion(after) != entry.pidversion) return ReadResult::Changed;
  // Same process throughout; a path the kernel would not give (a zombie, an exec in progress) is
  // listed as unknown, as before.
  return ReadResult::Ok;
}

// A pid reused during the reading gets read again, a few times: the new process is a real one.
constexpr int kReadAttempts = 3;

}  // namespace

Napi::Value listProcesses(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  // Ask for the count, then read with headroom: processes start between the two calls. Both calls
  // return -1 or 0 when the kernel read nothing; a running system always has processes (this one
  // among them), so 0 is a failure too, not an empty list.
  const char *failed = "proc_listallpids failed: the process list cannot be read (is the agent running as root?)";
  const int estimate = proc_listallpids(nullptr, 0);
  if (estimate <= 0) throw Napi::Error::New(env, failed);
  std::vector<pid_t> pids(static_cast<size_t>(estimate) + 64);
  const int count = proc_listallpids(pids.data(), static_cast<int>(pids.size() * sizeof(pid_t)));
  if (count <= 0) throw Napi::Error::New(env, failed);
  pids.resize(static_cast<size_t>(count) < pids.size() ? static_cast<size_t>(count) : pids.size());

  Napi::Array out = Napi::Array::New(env);
  uint32_t index = 0;
  char path[PROC_PIDPATHINFO_MAXSIZE];
  for (pid_t pid : pids) {
    if (pid <= 0) continue;
    SnapshotEntry entry;
    ReadResult result = ReadResult::Changed;
    for (int attempt = 0; attempt < kReadAttempts && result == ReadResult::Changed; ++attempt) {
      result = readProcess(pid, entry, path, sizeof(path));
    }
    if (result != ReadResult::Ok) continue;  // gone, or reused faster than we can read it
    const struct proc_bsdinfo &bsd = entry.bsd;
    Napi::Object object = Napi::Object::New(env);
    object.Set("pid", Napi::Number::New(env, pid));
    object.Set("ppid", Napi::Number::New(env, bsd.pbi_ppid));
    if (entry.hasPidversion) object.Set("pidversion", Napi::Number::New(env, entry.pidversion));
    object.Set("executable", entry.pathLength > 0 ? Napi::String::New(env, path, static_cast<size_t>(entry.pathLength))
                                                  : Napi::String::New(env, ""));
    // The same start time ES messages carry (es_process_t.start_time), so the entity id of a
    // process seen in the snapshot matches the one its later events get.
    if (bsd.pbi_start_tvsec != 0) {
      Napi::Object start = Napi::Object::New(env);
      start.Set("sec", Napi::Number::New(env, static_cast<double>(bsd.pbi_start_tvsec)));
      start.Set("usec", Napi::Number::New(env, static_cast<double>(bsd.pbi_start_tvusec)));
      object.Set("startTime", start);
    }
    out.Set(index++, object);
  }
  return out;
}

}  // namespace emondguard
