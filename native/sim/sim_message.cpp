#include "sim_message.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#include "sim_faults.h"

namespace emondguard::sim {
namespace {

// Values a correct reader never sees: fields the message version does not carry.
constexpr uint64_t kPoisonNumber = 0xDEADBEEFDEADBEEFull;
const char kPoisonPath[] = "<poison: field absent in this message version>";

size_t specBytes(const ProcessSpec &p) {
  return p.signingId.size() + p.teamId.size() + p.executable.path.size() + p.tty.path.size() + sizeof(kPoisonPath);
}

size_t specBytes(const MessageSpec &spec) {
  size_t total = specBytes(spec.process) + specBytes(spec.target) + specBytes(spec.child);
  for (const std::string &arg : spec.args) total += arg.size();
  for (const std::string &var : spec.env) total += var.size();
  total += spec.script.path.size() + spec.cwd.path.size() + 2 * sizeof(kPoisonPath);
  return total;
}

audit_token_t poisonToken() {
  audit_token_t token;
  for (unsigned int &word : token.val) word = 0xDEADBEEF;
  return token;
}

}  // namespace

BuiltMessage::~BuiltMessage() { std::free(message_); }

void BuiltMessage::release() {
  if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

BuiltMessage *BuiltMessage::of(const es_message_t *msg) {
  return reinterpret_cast<BuiltMessage *>(static_cast<uintptr_t>(msg->opaque[0]));
}

es_string_token_t BuiltMessage::pack(const std::string &text) {
  // The arena was reserved for every string up front, so appending never moves earlier strings.
  const size_t offset = arena_.size();
  arena_.append(text);
  es_string_token_t token;
  token.length = text.size();
  token.data = text.empty() ? nullptr : arena_.data() + offset;
  return token;
}

es_file_t *BuiltMessage::file(const FileSpec &spec) {
  auto file = std::make_unique<es_file_t>();
  std::memset(file.get(), 0, sizeof(es_file_t));
  file->path = pack(spec.path);
  file->path_truncated = spec.truncated;
  files_.push_back(std::move(file));
  return files_.back().get();
}

es_process_t *BuiltMessage::process(const ProcessSpec &spec, uint32_t version) {
  auto proc = std::make_unique<es_process_t>();
  std::memset(proc.get(), 0, sizeof(es_process_t));
  proc->audit_token = spec.token;
  proc->ppid = spec.ppid;
  proc->original_ppid = spec.originalPpid;
  proc->group_id = spec.groupId;
  proc->session_id = spec.sessionId;
  proc->codesigning_flags = spec.codesigningFlags;
  proc->is_platform_binary = spec.isPlatformBinary;
  proc->is_es_client = spec.isEsClient;
  std::memcpy(proc->cdhash, spec.cdhash, sizeof(proc->cdhash));
  proc->signing_id = pack(spec.signingId);
  proc->team_id = pack(spec.teamId);
  proc->executable = file(spec.executable);
  if (version >= 2) {
    proc->tty = spec.tty.present ? file(spec.tty) : nullptr;
  } else {
    proc->tty = file(FileSpec{true, kPoisonPath, false});
  }
  if (version >= 3) {
    proc->start_time = spec.startTime;
  } else {
    proc->start_time.tv_sec = static_cast<time_t>(kPoisonNumber & 0x7fffffff);
  }
  if (version >= 4) {
    proc->responsible_audit_token = spec.responsibleToken;
    proc->parent_audit_token = spec.parentToken;
  } else {
    proc->responsible_audit_token = poisonToken();
    proc->parent_audit_token = poisonToken();
  }
  processes_.push_back(std::move(proc));
  return processes_.back().get();
}

BuiltMessage *BuiltMessage::build(const MessageSpec &spec) {
  BuiltMessage *built = new BuiltMessage();
  built->arena_.reserve(specBytes(spec) + 1);
  // Room for the opaque back pointer, as the framework keeps its private data past the struct.
  built->message_ = static_cast<es_message_t *>(std::calloc(1, sizeof(es_message_t) + sizeof(uint64_t)));
  es_message_t *msg = built->message_;
  msg->opaque[0] = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(built));
  const uint32_t version = spec.version;
  msg->version = version;
  msg->time = spec.time;
  msg->action_type = ES_ACTION_TYPE_NOTIFY;
  msg->event_type = spec.type;
  msg->process = built->process(spec.process, version);
  msg->seq_num = version >= 2 ? 0 : kPoisonNumber;
  msg->global_seq_num = version >= 4 ? 0 : kPoisonNumber;
  if (version >= 4) {
    built->thread_ = std::make_unique<es_thread_t>();
    built->thread_->thread_id = 1;
    msg->thread = built->thread_.get();
  }
  switch (spec.type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: {
      es_event_exec_t &exec = msg->event.exec;
      exec.target = built->process(spec.target, version);
      for (const std::string &arg : spec.args) built->args_.push_back(built->pack(arg));
      for (const std::string &var : spec.env) built->env_.push_back(built->pack(var));
      if (version >= 2) {
        exec.script = spec.script.present ? built->file(spec.script) : nullptr;
      } else {
        exec.script = built->file(FileSpec{true, kPoisonPath, false});
      }
      if (version >= 3) {
        exec.cwd = built->file(spec.cwd);
      } else {
        exec.cwd = built->file(FileSpec{true, kPoisonPath, false});
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_FORK:
      msg->event.fork.child = built->process(spec.child, version);
      break;
    case ES_EVENT_TYPE_NOTIFY_EXIT:
      msg->event.exit.stat = spec.exitStatus;
      break;
    default:
      break;
  }
  return built;
}

}  // namespace emondguard::sim

using emondguard::sim::BuiltMessage;
using emondguard::sim::FaultPoint;
using emondguard::sim::consumeFault;

namespace {
const es_message_t *messageOfExec(const es_event_exec_t *event) {
  return reinterpret_cast<const es_message_t *>(reinterpret_cast<const char *>(event) - offsetof(es_message_t, event));
}
}  // namespace

extern "C" {

void es_retain_message(const es_message_t *msg) { BuiltMessage::of(msg)->retain(); }
void es_release_message(const es_message_t *msg) { BuiltMessage::of(msg)->release(); }

uint32_t es_exec_arg_count(const es_event_exec_t *event) { return BuiltMessage::of(messageOfExec(event))->argCount(); }
uint32_t es_exec_env_count(const es_event_exec_t *event) { return BuiltMessage::of(messageOfExec(event))->envCount(); }

es_string_token_t es_exec_arg(const es_event_exec_t *event, uint32_t index) {
  // Apple documents indexes >= es_exec_arg_count as undefined behaviour; the simulator aborts so
  // a test catches any reader that goes past the count.
  const BuiltMessage *built = BuiltMessage::of(messageOfExec(event));
  if (index >= built->argCount()) std::abort();
  // Injected: stands in for an allocation that fails while the handler copies this argument.
  if (consumeFault(FaultPoint::HandlerAlloc)) throw std::bad_alloc();
  return built->arg(index);
}

es_string_token_t es_exec_env(const es_event_exec_t *event, uint32_t index) {
  const BuiltMessage *built = BuiltMessage::of(messageOfExec(event));
  if (index >= built->envCount()) std::abort();
  return built->env(index);
}

}  // extern "C"
