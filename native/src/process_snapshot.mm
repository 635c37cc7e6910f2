#include "process_snapshot.h"

#include <vector>

#include "audit_tokens.h"
#include "platform.h"

namespace emondguard {

Napi::Value listProcesses(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  // Ask for the count, then read with headroom: processes start between the two calls.
  const int estimate = proc_listallpids(nullptr, 0);
  if (estimate < 0) throw Napi::Error::New(env, "proc_listallpids failed: the process list cannot be read");
  std::vector<pid_t> pids(static_cast<size_t>(estimate) + 64);
  const int count = proc_listallpids(pids.data(), static_cast<int>(pids.size() * sizeof(pid_t)));
  if (count < 0) throw Napi::Error::New(env, "proc_listallpids failed: the process list cannot be read");
  pids.resize(static_cast<size_t>(count) < pids.size() ? static_cast<size_t>(count) : pids.size());

  Napi::Array out = Napi::Array::New(env);
  uint32_t index = 0;
  char path[PROC_PIDPATHINFO_MAXSIZE];
  for (pid_t pid : pids) {
    if (pid <= 0) continue;
    struct proc_bsdinfo bsd;
    if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bsd, PROC_PIDTBSDINFO_SIZE) != PROC_PIDTBSDINFO_SIZE) continue;  // gone
    const int length = proc_pidpath(pid, path, sizeof(path));
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("pid", Napi::Number::New(env, pid));
    entry.Set("ppid", Napi::Number::New(env, bsd.pbi_ppid));
    audit_token_t token;
    if (auditTokenOfPid(pid, token)) entry.Set("pidversion", Napi::Number::New(env, audit_token_to_pidversion(token)));
    entry.Set("executable", length > 0 ? Napi::String::New(env, path, static_cast<size_t>(length)) : Napi::String::New(env, ""));
    // The same start time ES messages carry (es_process_t.start_time), so the entity id of a
    // process seen in the snapshot matches the one its later events get.
    if (bsd.pbi_start_tvsec != 0) {
      Napi::Object start = Napi::Object::New(env);
      start.Set("sec", Napi::Number::New(env, static_cast<double>(bsd.pbi_start_tvsec)));
      start.Set("usec", Napi::Number::New(env, static_cast<double>(bsd.pbi_start_tvusec)));
      entry.Set("startTime", start);
    }
    out.Set(index++, entry);
  }
  return out;
}

}  // namespace emondguard
