// Synthetic es_message_t construction. A MessageSpec says what a test wants delivered; build()
// lays it out the way the framework hands messages to a handler: strings packed back to back with
// no NUL terminators (so a reader that relies on NUL reads the wrong bytes), fields newer than the
// message version filled with poison values a correct reader never looks at.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform.h"

namespace emondguard::sim {

struct FileSpec {
  bool present = false;
  std::string path;
  bool truncated = false;
};

struct ProcessSpec {
  audit_token_t token = {};
  pid_t ppid = 0;
  pid_t originalPpid = 0;
  pid_t groupId = 0;
  pid_t sessionId = 0;
  uint32_t codesigningFlags = 0;
  bool isPlatformBinary = false;
  bool isEsClient = false;
  uint8_t cdhash[20] = {};
  std::string signingId;
  std::string teamId;
  FileSpec executable;
  FileSpec tty;
  struct timeval startTime = {};
  audit_token_t responsibleToken = {};
  audit_token_t parentToken = {};
};

struct MessageSpec {
  es_event_type_t type = ES_EVENT_TYPE_NOTIFY_EXEC;
  uint32_t version = 7;
  struct timespec time = {};
  std::optional<uint64_t> seqNum;        // explicit; otherwise the client numbers it
  std::optional<uint64_t> globalSeqNum;
  uint64_t seqGap = 0;                   // messages the "kernel dropped" just before this one
  uint64_t globalSeqGap = 0;
  ProcessSpec process;
  ProcessSpec target;                    // exec
  std::vector<std::string> args;         // exec
  std::vector<std::string> env;          // exec
  FileSpec script;                       // exec, version >= 2
  FileSpec cwd;                          // exec, version >= 3
  ProcessSpec child;                     // fork
  int exitStatus = 0;                    // exit
};

// One built message and everything it points to; es_message_t::opaque[0] points back here.
class BuiltMessage {
 public:
  static BuiltMessage *build(const MessageSpec &spec);
  const es_message_t *message() const { return message_; }
  es_message_t *mutableMessage() { return message_; }
  void retain() { references_.fetch_add(1, std::memory_order_relaxed); }
  void release();
  static BuiltMessage *of(const es_message_t *msg);

  uint32_t argCount() const { return static_cast<uint32_t>(args_.size()); }
  uint32_t envCount() const { return static_cast<uint32_t>(env_.size()); }
  es_string_token_t arg(uint32_t index) const { return args_[index]; }
  es_string_token_t env(uint32_t index) const { return env_[index]; }

 private:
  BuiltMessage() = default;
  ~BuiltMessage();
  es_string_token_t pack(const std::string &text);
  es_file_t *file(const FileSpec &spec);
  es_process_t *process(const ProcessSpec &spec, uint32_t version);

  std::atomic<int> references_{1};
  es_message_t *message_ = nullptr;
  std::string arena_;
  std::vector<std::unique_ptr<es_file_t>> files_;
  std::vector<std::unique_ptr<es_process_t>> processes_;
  std::unique_ptr<es_thread_t> thread_;
  std::vector<es_string_token_t> args_;
  std::vector<es_string_token_t> env_;
};

}  // namespace emondguard::sim
