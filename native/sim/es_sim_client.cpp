// The simulated Endpoint Security clients: es_new_client starts a dispatch thread that delivers
// queued messages to the handler block serially, applying subscriptions, process and path mutes
// (with inversion) and numbering messages per event type and per client as the kernel does.
#include <Block.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <pthread.h>
#include <thread>

#include "monotonic_clock.h"
#include "sim_world.h"

namespace emondguard::sim {
namespace {

struct Work {
  // The messages delivered in turn, each `repeat` times before the next; a single entry is a burst.
  std::vector<std::pair<MessageSpec, uint64_t>> pattern;
  uint64_t count = 1;           // deliveries in all (> 1 for bursts)
  double ratePerSecond = 0;     // 0: as fast as the handler goes
  bool stampNow = false;        // give each delivery the wall-clock time, as the kernel would
};

// Paths a fresh client mutes by default, standing in for the system's default mute set, so tests
// can tell whether a client cleared it before inverting path muting.
const char *const kDefaultMutedPaths[] = {"/usr/libexec/sim-default-muted-daemon", "/usr/sbin/sim-default-muted-tool"};

}  // namespace
}  // namespace emondguard::sim

struct es_client_s {
  es_handler_block_t handler = nullptr;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<emondguard::sim::Work> queue;
  bool busy = false;
  bool stopping = false;
  std::set<es_event_type_t> subscriptions;
  std::vector<audit_token_t> mutedProcesses;
  std::vector<std::pair<std::string, es_mute_path_type_t>> mutedPaths;
  bool inverted[ES_MUTE_INVERSION_TYPE_LAST] = {};
  uint64_t lastSeq[ES_EVENT_TYPE_LAST] = {};
  uint64_t lastGlobalSeq = 0;
  std::thread thread;
};

namespace emondguard::sim {
namespace {

struct World {
  std::mutex mutex;
  std::vector<es_client_t *> clients;
  es_new_client_result_t forcedResult = ES_NEW_CLIENT_RESULT_SUCCESS;
  std::atomic<uint64_t> handlerCalls{0};
  std::atomic<uint64_t> handlerNs{0};
  std::atomic<uint64_t> handlerMaxNs{0};
  // Armed by deliverAfterDelete(): the next es_delete_client returns at once and this message
  // reaches the deleted client's handler `lateDelayMs` later.
  std::optional<MessageSpec> lateMessage;
  uint32_t lateDelayMs = 0;
  std::atomic<int> lateDeliveriesPending{0};
};

World &world() {
  static World *instance = new World();  // never destroyed: no exit-time destructor
  return *instance;
}

bool sameProcess(const audit_token_t &a, const audit_token_t &b) {
  return audit_token_to_pid(a) == audit_token_to_pid(b) && audit_token_to_pidversion(a) == audit_token_to_pidversion(b);
}

// Apple's rule, kept here: muted paths are compared byte for byte with the paths ES reports, and
// ES reports real paths (symlinks resolved: /private/tmp/x, never /tmp/x). es_mute_path resolves
// nothing, so muting /tmp/x mutes nothing that arrives as /private/tmp/x; the caller must mute
// real paths (the agent resolves emondPaths before it mutes them). Messages a test injects stand
// for what the kernel reports, so a test that means a real process gives its real path.
bool pathMatches(const es_string_token_t &path, const std::string &rule, bool literal) {
  const std::string actual(path.data != nullptr ? path.data : "", path.length);
  return literal ? actual == rule : actual.compare(0, rule.size(), rule) == 0;
}

bool isTargetRule(es_mute_path_type_t type) {
  return type == ES_MUTE_PATH_TYPE_TARGET_PREFIX || type == ES_MUTE_PATH_TYPE_TARGET_LITERAL;
}

// The target paths of a message, as Apple defines them for target-path muting: for exec, the new
// image; the other events the simulator delivers (fork, exit) have none.
std::vector<es_string_token_t> targetPaths(const es_message_t *msg) {
  if (msg->event_type == ES_EVENT_TYPE_NOTIFY_EXEC || msg->event_type == ES_EVENT_TYPE_AUTH_EXEC) {
    return {msg->event.exec.target->executable->path};
  }
  return {};
}

// Called with the client's mutex held.
bool delivers(es_client_t *client, const es_message_t *msg) {
  if (client->subscriptions.count(msg->event_type) == 0) return false;
  bool processMuted = false;
  for (const audit_token_t &token : client->mutedProcesses) processMuted |= sameProcess(token, msg->process->audit_token);
  if (processMuted != client->inverted[ES_MUTE_INVERSION_TYPE_PROCESS]) return false;
  bool pathMuted = false;
  for (const auto &rule : client->mutedPaths) {
    if (!isTargetRule(rule.second)) pathMuted |= pathMatches(msg->process->executable->path, rule.first, rule.second == ES_MUTE_PATH_TYPE_LITERAL);
  }
  if (pathMuted != client->inverted[ES_MUTE_INVERSION_TYPE_PATH]) return false;
  // Target paths: muted when any target is (inverted: delivered when any target is selected).
  const std::vector<es_string_token_t> targets = targetPaths(msg);
  bool targetMuted = false;
  for (const auto &rule : client->mutedPaths) {
    if (!isTargetRule(rule.second)) continue;
    for (const es_string_token_t &target : targets) targetMuted |= pathMatches(target, rule.first, rule.second == ES_MUTE_PATH_TYPE_TARGET_LITERAL);
  }
  if (targetMuted != client->inverted[ES_MUTE_INVERSION_TYPE_TARGET_PATH]) return false;
  return true;
}

void numberMessage(es_client_t *client, const MessageSpec &spec, es_message_t *msg) {
  if (msg->version >= 2 && msg->event_type < ES_EVENT_TYPE_LAST) {
    uint64_t &last = client->lastSeq[msg->event_type];
    last = spec.seqNum.has_value() ? *spec.seqNum : last + 1 + spec.seqGap;
    msg->seq_num = last;
  }
  if (msg->version >= 4) {
    client->lastGlobalSeq = spec.globalSeqNum.has_value() ? *spec.globalSeqNum : client->lastGlobalSeq + 1 + spec.globalSeqGap;
    msg->global_seq_num = client->lastGlobalSeq;
  }
}

void callHandler(es_client_t *client, const es_message_t *msg) {
  World &w = world();
  const uint64_t started = monotonicNowNs();
  client->handler(client, msg);
  const uint64_t spent = monotonicNowNs() - started;
  w.handlerCalls.fetch_add(1, std::memory_order_relaxed);
  w.handlerNs.fetch_add(spent, std::memory_order_relaxed);
  uint64_t max = w.handlerMaxNs.load(std::memory_order_relaxed);
  while (spent > max && !w.handlerMaxNs.compare_exchange_weak(max, spent, std::memory_order_relaxed)) {
  }
}

void runWork(es_client_t *client, Work &work) {
  std::vector<BuiltMessage *> built;
  built.reserve(work.pattern.size());
  for (const auto &entry : work.pattern) built.push_back(BuiltMessage::build(entry.first));
  size_t entry = 0;
  uint64_t repeated = 0;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < work.count; ++i) {
    if (work.ratePerSecond > 0) {
      const auto due = start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / work.ratePerSecond));
      if (std::chrono::steady_clock::now() < due) std::this_thread::sleep_until(due);
    }
    es_message_t *msg = built[entry]->mutableMessage();
    const MessageSpec &spec = work.pattern[entry].first;
    if (++repeated >= work.pattern[entry].second) {
      repeated = 0;
      entry = (entry + 1) % built.size();
    }
    if (work.stampNow) clock_gettime(CLOCK_REALTIME, &msg->time);
    {
      std::lock_guard<std::mutex> lock(client->mutex);
      if (client->stopping) break;
      if (!delivers(client, msg)) continue;
      numberMessage(client, spec, msg);
    }
    // A burst reuses its messages; each delivery is still a fresh "message" to the handler.
    callHandler(client, msg);
  }
  for (BuiltMessage *message : built) message->release();
}

void dispatchLoop(es_client_t *client) {
  // The simulated kernel side of Endpoint Security; benchmarks separate its CPU from the agent's.
  pthread_setname_np(pthread_self(), "es-sim");
  std::unique_lock<std::mutex> lock(client->mutex);
  while (true) {
    client->changed.wait(lock, [client] { return client->stopping || !client->queue.empty(); });
    if (client->stopping) break;
    Work work = std::move(client->queue.front());
    client->queue.pop_front();
    client->busy = true;
    lock.unlock();
    runWork(client, work);
    lock.lock();
    client->busy = false;
    client->changed.notify_all();
  }
  client->queue.clear();
  client->busy = false;
  client->changed.notify_all();
}

// Removes the path mutes of one family: process paths (PREFIX/LITERAL) or target paths.
es_return_t unmutePathRules(es_client_t *client, bool targetPaths) {
  if (client == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  auto &paths = client->mutedPaths;
  paths.erase(std::remove_if(paths.begin(), paths.end(),
                             [targetPaths](const auto &rule) {
                               const bool isTarget = rule.second == ES_MUTE_PATH_TYPE_TARGET_PREFIX ||
                                                     rule.second == ES_MUTE_PATH_TYPE_TARGET_LITERAL;
                               return isTarget == targetPaths;
                             }),
              paths.end());
  return ES_RETURN_SUCCESS;
}

size_t enqueue(std::vector<Work> items) {
  World &w = world();
  std::lock_guard<std::mutex> registry(w.mutex);
  for (es_client_t *client : w.clients) {
    std::lock_guard<std::mutex> lock(client->mutex);
    for (const Work &item : items) client->queue.push_back(item);
    client->changed.notify_all();
  }
  return w.clients.size();
}

}  // namespace

size_t injectMessages(std::vector<MessageSpec> specs) {
  std::vector<Work> items;
  items.reserve(specs.size());
  for (MessageSpec &spec : specs) items.push_back(Work{{{std::move(spec), 1}}, 1, 0, false});
  return enqueue(std::move(items));
}

size_t injectBurst(std::vector<std::pair<MessageSpec, uint64_t>> pattern, uint64_t count, double ratePerSecond, bool stampNow) {
  return enqueue({Work{std::move(pattern), count, ratePerSecond, stampNow}});
}

bool waitUntilIdle(uint32_t timeoutMs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  World &w = world();
  std::lock_guard<std::mutex> registry(w.mutex);
  for (es_client_t *client : w.clients) {
    std::unique_lock<std::mutex> lock(client->mutex);
    if (!client->changed.wait_until(lock, deadline, [client] { return client->stopping || (client->queue.empty() && !client->busy); })) {
      return false;
    }
  }
  return true;
}

std::vector<ClientSnapshot> liveClients() {
  World &w = world();
  std::lock_guard<std::mutex> registry(w.mutex);
  std::vector<ClientSnapshot> out;
  for (es_client_t *client : w.clients) {
    std::lock_guard<std::mutex> lock(client->mutex);
    ClientSnapshot snapshot;
    snapshot.subscriptions.assign(client->subscriptions.begin(), client->subscriptions.end());
    snapshot.mutedProcesses = client->mutedProcesses;
    snapshot.mutedPaths = client->mutedPaths;
    snapshot.processMutingInverted = client->inverted[ES_MUTE_INVERSION_TYPE_PROCESS];
    snapshot.pathMutingInverted = client->inverted[ES_MUTE_INVERSION_TYPE_PATH];
    snapshot.targetPathMutingInverted = client->inverted[ES_MUTE_INVERSION_TYPE_TARGET_PATH];
    out.push_back(std::move(snapshot));
  }
  return out;
}

void setNewClientResult(es_new_client_result_t result) {
  std::lock_guard<std::mutex> registry(world().mutex);
  world().forcedResult = result;
}

void deliverAfterDelete(MessageSpec spec, uint32_t delayMs) {
  std::lock_guard<std::mutex> registry(world().mutex);
  world().lateMessage = std::move(spec);
  world().lateDelayMs = delayMs;
}

bool lateDeliveriesDone(uint32_t timeoutMs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (world().lateDeliveriesPending.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

HandlerTiming handlerTiming() {
  World &w = world();
  return HandlerTiming{w.handlerCalls.load(), w.handlerNs.load(), w.handlerMaxNs.load()};
}

void resetHandlerTiming() {
  World &w = world();
  w.handlerCalls = 0;
  w.handlerNs = 0;
  w.handlerMaxNs = 0;
}

}  // namespace emondguard::sim

using namespace emondguard::sim;

extern "C" {

es_new_client_result_t es_new_client(es_client_t **client, es_handler_block_t handler) {
  if (client == nullptr || handler == nullptr) return ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT;
  World &w = world();
  std::lock_guard<std::mutex> registry(w.mutex);
  if (w.forcedResult != ES_NEW_CLIENT_RESULT_SUCCESS) {
    *client = nullptr;
    return w.forcedResult;
  }
  es_client_t *created = new es_client_s();
  created->handler = Block_copy(handler);
  for (const char *path : kDefaultMutedPaths) created->mutedPaths.emplace_back(path, ES_MUTE_PATH_TYPE_LITERAL);
  created->thread = std::thread(dispatchLoop, created);
  w.clients.push_back(created);
  *client = created;
  return ES_NEW_CLIENT_RESULT_SUCCESS;
}

es_return_t es_delete_client(es_client_t *client) {
  if (client == nullptr) return ES_RETURN_ERROR;
  {
    World &w = world();
    std::lock_guard<std::mutex> registry(w.mutex);
    auto found = std::find(w.clients.begin(), w.clients.end(), client);
    if (found == w.clients.end()) return ES_RETURN_ERROR;
    w.clients.erase(found);
  }
  {
    std::lock_guard<std::mutex> lock(client->mutex);
    client->stopping = true;
    client->changed.notify_all();
  }
  // Like the framework, returns only once no handler call is running.
  client->thread.join();
  std::optional<MessageSpec> late;
  uint32_t delayMs = 0;
  {
    World &w = world();
    std::lock_guard<std::mutex> registry(w.mutex);
    late.swap(w.lateMessage);
    delayMs = w.lateDelayMs;
  }
  if (late.has_value()) {
    // Apple does not promise that no handler call starts after es_delete_client returns; model the
    // worst case: one more message, later, to the deleted client's handler.
    world().lateDeliveriesPending.fetch_add(1);
    std::thread([client, spec = std::move(*late), delayMs] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
      BuiltMessage *message = BuiltMessage::build(spec);
      callHandler(client, message->message());
      message->release();
      Block_release(client->handler);
      delete client;
      world().lateDeliveriesPending.fetch_sub(1);
    }).detach();
    return ES_RETURN_SUCCESS;
  }
  Block_release(client->handler);
  delete client;
  return ES_RETURN_SUCCESS;
}

es_return_t es_subscribe(es_client_t *client, const es_event_type_t *events, uint32_t event_count) {
  if (client == nullptr || (events == nullptr && event_count > 0) || event_count == 0) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  for (uint32_t i = 0; i < event_count; ++i) client->subscriptions.insert(events[i]);
  return ES_RETURN_SUCCESS;
}

es_return_t es_unsubscribe(es_client_t *client, const es_event_type_t *events, uint32_t event_count) {
  if (client == nullptr || events == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  for (uint32_t i = 0; i < event_count; ++i) client->subscriptions.erase(events[i]);
  return ES_RETURN_SUCCESS;
}

es_return_t es_unsubscribe_all(es_client_t *client) {
  if (client == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  client->subscriptions.clear();
  return ES_RETURN_SUCCESS;
}

es_return_t es_subscriptions(es_client_t *client, size_t *count, es_event_type_t **subscriptions) {
  if (client == nullptr || count == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  *count = client->subscriptions.size();
  if (subscriptions != nullptr) {
    *subscriptions = static_cast<es_event_type_t *>(malloc(sizeof(es_event_type_t) * (*count + 1)));
    size_t i = 0;
    for (es_event_type_t type : client->subscriptions) (*subscriptions)[i++] = type;
  }
  return ES_RETURN_SUCCESS;
}

es_return_t es_mute_process(es_client_t *client, const audit_token_t *audit_token) {
  if (client == nullptr || audit_token == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  client->mutedProcesses.push_back(*audit_token);
  return ES_RETURN_SUCCESS;
}

es_return_t es_unmute_process(es_client_t *client, const audit_token_t *audit_token) {
  if (client == nullptr || audit_token == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  auto &muted = client->mutedProcesses;
  muted.erase(std::remove_if(muted.begin(), muted.end(), [&](const audit_token_t &t) { return sameProcess(t, *audit_token); }),
              muted.end());
  return ES_RETURN_SUCCESS;
}

es_return_t es_mute_path(es_client_t *client, const char *path, es_mute_path_type_t type) {
  if (client == nullptr || path == nullptr) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  client->mutedPaths.emplace_back(path, type);
  return ES_RETURN_SUCCESS;
}

es_return_t es_unmute_all_paths(es_client_t *client) { return unmutePathRules(client, false); }

es_return_t es_unmute_all_target_paths(es_client_t *client) { return unmutePathRules(client, true); }

es_return_t es_invert_muting(es_client_t *client, es_mute_inversion_type_t mute_type) {
  if (client == nullptr || mute_type >= ES_MUTE_INVERSION_TYPE_LAST) return ES_RETURN_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  client->inverted[mute_type] = !client->inverted[mute_type];
  return ES_RETURN_SUCCESS;
}

es_mute_inverted_return_t es_muting_inverted(es_client_t *client, es_mute_inversion_type_t mute_type) {
  if (client == nullptr || mute_type >= ES_MUTE_INVERSION_TYPE_LAST) return ES_MUTE_INVERTED_ERROR;
  std::lock_guard<std::mutex> lock(client->mutex);
  return client->inverted[mute_type] ? ES_MUTE_INVERTED : ES_MUTE_NOT_INVERTED;
}

}  // extern "C"
