// The simulated process table behind libproc (proc_listallpids, proc_pidinfo, proc_pidpath,
// proc_pidpath_audittoken) and the agent's own audit token. Tests populate it through `sim`.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>

#include "audit_tokens.h"
#include "sim_faults.h"
#include "sim_world.h"

namespace emondguard::sim {
namespace {

struct Table {
  std::mutex mutex;
  // A running system always has launchd, and proc_listallpids never reads an empty list there:
  // the simulated one starts the same way (setProcessTable replaces it).
  std::vector<SimProcessEntry> entries{SimProcessEntry{1, 0, 1, "/sbin/launchd", 0, 0}};
  bool hasSelf = false;
  audit_token_t self = {};
  // Armed by reuseDuringSnapshot(): right after proc_pidinfo() reads this pid, it exits and the
  // pid is reused by `replacement` (new pidversion, parent and image). One-shot.
  std::optional<SimProcessEntry> replacement;
};

Table &table() {
  static Table *instance = new Table();  // never destroyed: no exit-time destructor
  return *instance;
}

// The entry for `pid`, or null with errno = ESRCH as libproc reports a process that is gone.
const SimProcessEntry *find(const Table &t, pid_t pid) {
  for (const SimProcessEntry &entry : t.entries) {
    if (entry.pid == pid) return &entry;
  }
  errno = ESRCH;
  return nullptr;
}

int copyPath(const std::string &path, void *buffer, uint32_t size) {
  if (buffer == nullptr || size == 0) {
    errno = EINVAL;
    return 0;
  }
  const size_t length = path.size() < size - 1 ? path.size() : size - 1;
  std::memcpy(buffer, path.data(), length);
  static_cast<char *>(buffer)[length] = '\0';
  return static_cast<int>(length);
}

}  // namespace

void setProcessTable(std::vector<SimProcessEntry> entries) {
  std::lock_guard<std::mutex> lock(table().mutex);
  table().entries = std::move(entries);
  table().replacement.reset();
}

void reuseDuringSnapshot(SimProcessEntry replacement) {
  std::lock_guard<std::mutex> lock(table().mutex);
  table().replacement = std::move(replacement);
}

std::vector<SimProcessEntry> processTable() {
  std::lock_guard<std::mutex> lock(table().mutex);
  return table().entries;
}

void setSelfToken(const audit_token_t &token) {
  std::lock_guard<std::mutex> lock(table().mutex);
  table().self = token;
  table().hasSelf = true;
}

bool selfToken(audit_token_t &out) {
  std::lock_guard<std::mutex> lock(table().mutex);
  if (table().hasSelf) {
    out = table().self;
    return true;
  }
  // Until a test says otherwise "this process" is our real pid, first execution.
  out = audit_token_t{};
  out.val[5] = static_cast<unsigned int>(getpid());
  out.val[7] = 1;
  return true;
}

}  // namespace emondguard::sim

namespace emondguard {

bool currentProcessAuditToken(audit_token_t &out) { return sim::selfToken(out); }

bool auditTokenOfPid(pid_t pid, audit_token_t &out) {
  sim::Table &t = sim::table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const sim::SimProcessEntry *entry = sim::find(t, pid);
  if (entry == nullptr || entry->pidversion == 0) return false;
  out = audit_token_t{};
  out.val[5] = static_cast<unsigned int>(pid);
  out.val[7] = static_cast<unsigned int>(entry->pidversion);
  return true;
}

}  // namespace emondguard

using emondguard::sim::table;

extern "C" {

// Apple's returns the number of pids, or -1 or 0 when the kernel read nothing (a caller must treat
// both as failure: a running system always has processes, this one among them).
int proc_listallpids(void *buffer, int buffersize) {
  if (emondguard::sim::consumeFault(emondguard::sim::FaultPoint::ProcListAllPids)) {
    errno = EPERM;
    return 0;
  }
  auto &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const int count = static_cast<int>(t.entries.size());
  if (buffer == nullptr) return count;
  const int fits = buffersize / static_cast<int>(sizeof(pid_t));
  const int written = count < fits ? count : fits;
  for (int i = 0; i < written; ++i) static_cast<pid_t *>(buffer)[i] = t.entries[static_cast<size_t>(i)].pid;
  return written;
}

int proc_pidinfo(int pid, int flavor, uint64_t, void *buffer, int buffersize) {
  if (flavor != PROC_PIDTBSDINFO || buffer == nullptr || buffersize < static_cast<int>(PROC_PIDTBSDINFO_SIZE)) {
    errno = EINVAL;
    return 0;
  }
  auto &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const emondguard::sim::SimProcessEntry *entry = emondguard::sim::find(t, pid);
  if (entry == nullptr) return 0;
  struct proc_bsdinfo info;
  std::memset(&info, 0, sizeof(info));
  info.pbi_pid = static_cast<uint32_t>(entry->pid);
  info.pbi_ppid = static_cast<uint32_t>(entry->ppid);
  info.pbi_start_tvsec = entry->startSec;
  info.pbi_start_tvusec = entry->startUsec;
  const size_t slash = entry->executable.rfind('/');
  const std::string name = slash == std::string::npos ? entry->executable : entry->executable.substr(slash + 1);
  std::strncpy(info.pbi_comm, name.c_str(), MAXCOMLEN - 1);
  std::memcpy(buffer, &info, sizeof(info));
  if (t.replacement.has_value() && t.replacement->pid == pid) {
    // The process just read exits and its pid is reused: what is read next belongs to another.
    for (emondguard::sim::SimProcessEntry &slot : t.entries) {
      if (slot.pid == pid) slot = *t.replacement;
    }
    t.replacement.reset();
  }
  return static_cast<int>(sizeof(info));
}

int proc_pidpath(int pid, void *buffer, uint32_t buffersize) {
  auto &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const emondguard::sim::SimProcessEntry *entry = emondguard::sim::find(t, pid);
  if (entry == nullptr) return 0;
  return emondguard::sim::copyPath(entry->executable, buffer, buffersize);
}

int proc_pidpath_audittoken(audit_token_t *audittoken, void *buffer, uint32_t buffersize) {
  if (audittoken == nullptr) {
    errno = EINVAL;
    return 0;
  }
  auto &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  const emondguard::sim::SimProcessEntry *entry = emondguard::sim::find(t, audit_token_to_pid(*audittoken));
  // The kernel refuses a token whose pidversion is not the live process's: the pid was reused.
  if (entry == nullptr || entry->pidversion != audit_token_to_pidversion(*audittoken)) {
    errno = ESRCH;
    return 0;
  }
  return emondguard::sim::copyPath(entry->executable, buffer, buffersize);
}

}  // extern "C"
