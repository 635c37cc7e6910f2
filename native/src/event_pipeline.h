// The ES-thread side of the hand-off: converts each message into an owned event and pushes it
// into a bounded ring; a full ring drops and counts, it never blocks the ES thread. The consumer
// side (a delivery thread) waits for events with waitForBatch() and pops them.
#pragma once

#include <string>
#include <vector>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "converted_event.h"
#include "es_session.h"
#include "message_converter.h"
#include "spsc_ring.h"

namespace emondguard {

struct PipelineOptions {
  ArgvCaps argv;
  size_t queueCapacity = 16384;
  // Bytes the queued events may hold, from the moment the ES thread queues one until JavaScript
  // is done with it (the ring and the batches in flight). Past it, events are dropped and counted.
  size_t queueMaxBytes = 64u << 20;
  // Process images (emondPaths) whose messages may use a reserve of queueMaxBytes / 8 beyond the
  // budget: a flood of huge execs from a user's shell must not crowd out the real emond's child.
  std::vector<std::string> reservedImages;
  size_t batchSize = 256;
  uint32_t batchLatencyMs = 1;
};

class EventPipeline final : public MessageSink {
 public:
  explicit EventPipeline(const PipelineOptions &options);
  ~EventPipeline() override;

  void accept(const es_message_t *msg, uint64_t handlerEntryNs) override;
  // True when the message's process image is one of reservedImages (compared as ES gives the path).
  bool fromReservedImage(const es_message_t *msg) const;

  // Consumer side. Blocks until a batch is queued (fillTarget_), or batchLatencyMs after the first
  // queued event, or until close(); returns false once closed and empty.
  bool waitForBatch();
  ConvertedEvent *pop() { return ring_.tryPop(); }
  // Hands a delivered event back for reuse. Call from the JS thread only (the recycle ring has a
  // single producer); other threads discard events instead. Either one gives the event's bytes
  // back to the budget.
  void recycle(ConvertedEvent *event);
  void discard(ConvertedEvent *event);
  // Gives back bytes taken off events (accountedBytes set to 0) before they were recycled, once
  // what still holds their copy (a batch in JavaScript) is gone.
  void releaseHeldBytes(size_t bytes) {
    if (bytes > 0) queuedBytes_.fetch_sub(bytes, std::memory_order_acq_rel);
  }
  void close();
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  uint64_t received() const { return received_.load(std::memory_order_acquire); }
  // Every event dropped between the ES thread and JavaScript, whatever the reason.
  uint64_t queueDrops() const { return queueDrops_.load(std::memory_order_acquire); }
  // The part of queueDrops() dropped because the byte budget was full (the rest: the ring was
  // full, or memory ran out).
  uint64_t queueByteDrops() const { return queueByteDrops_.load(std::memory_order_acquire); }
  // Bytes held now by queued and in-flight events, and the most ever held.
  uint64_t queuedBytes() const { return queuedBytes_.load(std::memory_order_acquire); }
  uint64_t maxQueuedBytes() const { return maxQueuedBytes_.load(std::memory_order_relaxed); }
  // Events lost after they left the queue (a batch JavaScript could not be given).
  void countDropped(uint64_t count) { queueDrops_.fetch_add(count, std::memory_order_release); }
  uint64_t maxQueueDepth() const { return maxDepth_.load(std::memory_order_relaxed); }
  const PipelineOptions &options() const { return options_; }

 private:
  void wakeConsumer();
  void dropForBytes();
  void releaseBytes(ConvertedEvent *event);

  const PipelineOptions options_;
  SpscRing<ConvertedEvent> ring_;
  // Events JavaScript is done with, flowing back to the ES thread: steady state needs no malloc on
  // the ES thread and no cross-thread free.
  SpscRing<ConvertedEvent> recycled_;
  // Queued events that make a batch worth waking the consumer for: batchSize, but at most half the
  // ring, so a batchSize larger than the queue cannot leave the consumer asleep while it overflows.
  const size_t fillTarget_;
  ExecutionPathCache executionPaths_;  // ES thread only
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> queueDrops_{0};
  std::atomic<uint64_t> maxDepth_{0};
  std::atomic<uint64_t> queueByteDrops_{0};
  // Added by the ES thread only, subtracted by whoever releases an event: the ES thread's
  // check-then-add can only overestimate, so the budget holds without a lock.
  std::atomic<uint64_t> queuedBytes_{0};
  std::atomic<uint64_t> maxQueuedBytes_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> consumerWaiting_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace emondguard
