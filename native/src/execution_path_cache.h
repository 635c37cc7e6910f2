// Executable paths of the executions the ES thread has seen, keyed by (pid, pidversion), which
// names one execution per boot. Most exec parents (a shell, launchd, emond) were themselves seen
// exec'ing or forking, so their path comes from here instead of a proc_pidpath_audittoken syscall
// on the ES thread. Exits evict; a full cache starts over (cheap, and correctness never depends
// on a hit). ES thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace emondguard {

class ExecutionPathCache {
 public:
  explicit ExecutionPathCache(size_t capacity = 8192) : capacity_(capacity) {}

  void remember(int32_t pid, int32_t pidversion, const std::string &path) {
    if (path.empty()) return;
    if (entries_.size() >= capacity_) entries_.clear();
    entries_[key(pid, pidversion)] = path;
  }

  void forget(int32_t pid, int32_t pidversion) { entries_.erase(key(pid, pidversion)); }

  const std::string *find(int32_t pid, int32_t pidversion) const {
    const auto found = entries_.find(key(pid, pidversion));
    return found == entries_.end() ? nullptr : &found->second;
  }

 private:
  static uint64_t key(int32_t pid, int32_t pidversion) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(pid)) << 32) | static_cast<uint32_t>(pidversion);
  }

  size_t capacity_;
  std::unordered_map<uint64_t, std::string> entries_;
};

}  // namespace emondguard
