// The simulator's shared state: the clients the addon created, the process table behind libproc,
// the unified-log ring, and the knobs tests turn (forced es_new_client results). One instance,
// heap-allocated and never destroyed, so nothing runs at process exit.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "platform.h"
#include "sim_message.h"

namespace emondguard::sim {

struct SimProcessEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  int pidversion = 0;
  std::string executable;
  // 0: unknown (proc_pidinfo then reports no start time, as for a process it cannot read).
  uint64_t startSec = 0;
  uint64_t startUsec = 0;
};

struct LogArgument {
  std::string value;
  bool isPublic = false;
};

struct LogRecord {
  std::string subsystem;
  std::string category;
  os_log_type_t type = OS_LOG_TYPE_DEFAULT;
  std::string format;
  std::string rendered;  // what `log show` would print: private arguments as <private>
  std::vector<LogArgument> arguments;
};

struct ClientSnapshot {
  std::vector<es_event_type_t> subscriptions;
  std::vector<audit_token_t> mutedProcesses;
  std::vector<std::pair<std::string, es_mute_path_type_t>> mutedPaths;
  bool processMutingInverted = false;
  bool pathMutingInverted = false;
  bool targetPathMutingInverted = false;
};

struct HandlerTiming {
  uint64_t calls = 0;
  uint64_t totalNs = 0;
  uint64_t maxNs = 0;
};

// Queue work for every live client. Returns the number of clients it went to.
size_t injectMessages(std::vector<MessageSpec> specs);
// `count` deliveries at `ratePerSecond` (0: as fast as the handler goes), cycling through the
// pattern (each message `repeat` times); `stampNow` gives each delivery the current time.
size_t injectBurst(std::vector<std::pair<MessageSpec, uint64_t>> pattern, uint64_t count, double ratePerSecond, bool stampNow);
// Blocks until every live client has handled all queued work (or the timeout passes).
bool waitUntilIdle(uint32_t timeoutMs);
std::vector<ClientSnapshot> liveClients();
void setNewClientResult(es_new_client_result_t result);
HandlerTiming handlerTiming();
void resetHandlerTiming();
// One-shot: the next es_delete_client returns without waiting, and `spec` reaches that client's
// handler `delayMs` later (a race Apple's documentation does not rule out).
void deliverAfterDelete(MessageSpec spec, uint32_t delayMs);
// Waits until every such late delivery has run; false on timeout.
bool lateDeliveriesDone(uint32_t timeoutMs);

void setProcessTable(std::vector<SimProcessEntry> entries);
std::vector<SimProcessEntry> processTable();
// One-shot: right after the next proc_pidinfo() of `replacement.pid`, that process exits and the
// pid is reused by `replacement` (a race a snapshot must survive).
void reuseDuringSnapshot(SimProcessEntry replacement);
void setSelfToken(const audit_token_t &token);
bool selfToken(audit_token_t &out);

std::vector<LogRecord> logRecords();
void clearLogRecords();
void appendLogRecord(LogRecord record);

}  // namespace emondguard::sim
