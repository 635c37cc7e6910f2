// The Endpoint Security session: creates the client, subscribes, mutes, inverts muting in the
// emond-only mode, accounts kernel drops, and tears it all down. It never touches N-API: messages
// go to a MessageSink on the ES thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform.h"
#include "sequence_tracker.h"

namespace emondguard {

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Called serially on the ES thread; `msg` is valid only for the duration of the call.
  virtual void accept(const es_message_t *msg, uint64_t handlerEntryNs) = 0;
};

struct SessionOptions {
  std::vector<es_event_type_t> events;
  bool muteSelf = true;
  // Inverted path muting (macOS 13+): only messages whose process image is one of `emondPaths`.
  bool emondOnly = false;
  std::vector<std::string> emondPaths;
};

// Which step of start() failed and the raw result it returned.
struct SessionStartResult {
  enum Step { Ok, NewClient, Subscribe, MuteSelf, InvertMuting, Unsupported } step = Ok;
  int code = 0;  // es_new_client_result_t for NewClient, es_return_t otherwise
};

// What the handler block holds instead of the session itself. Apple documents no guarantee that
// es_delete_client waits for a handler call in progress, or that none starts after it returns; so
// the block reaches the session only through this gate, and stop() closes it (waiting for a call
// that holds it) before the session and its sink can go away. A later call (the client is
// deleted, nothing is subscribed) finds it closed and is ignored.
struct HandlerGate {
  std::mutex mutex;
  class EsSession *session = nullptr;  // null once closed
};

class EsSession {
 public:
  explicit EsSession(MessageSink &sink) : sink_(sink) {}
  ~EsSession() { stop(); }
  EsSession(const EsSession &) = delete;
  EsSession &operator=(const EsSession &) = delete;

  SessionStartResult start(const SessionOptions &options);
  // Unsubscribes and deletes the client, then closes the handler gate; returns once no handler
  // call is running and none can reach the sink any more. Idempotent.
  void stop();
  bool running() const { return client_ != nullptr; }
  const SequenceTracker &sequences() const { return sequences_; }
  // Messages the sink threw on (std::bad_alloc when memory runs out), dropped instead of letting
  // the exception unwind into the framework's handler dispatch (std::terminate).
  uint64_t handlerDrops() const { return handlerDrops_.load(std::memory_order_acquire); }

  // Creates and immediately deletes a client: the raw es_new_client_result_t (doctor's FDA check).
  static int probe();

 private:
  void onMessage(const es_message_t *msg, uint64_t handlerEntryNs);

  MessageSink &sink_;
  es_client_t *client_ = nullptr;
  std::shared_ptr<HandlerGate> gate_;
  SequenceTracker sequences_;
  std::atomic<uint64_t> handlerDrops_{0};
};

}  // namespace emondguard
