#include <cstring>
#include "event_pipeline.h"

#include <algorithm>
#include <chrono>
#include <new>

namespace emondguard {

namespace {
constexpr size_t kMaxRecycled = 4096;
// A recycled event keeps buffers up to this size: enough for ordinary argv and paths (so the
// steady state allocates nothing), while the recycle ring can hold at most about
// kMaxRecycled × (a few buffers of this size), whatever sizes an attacker's execs had.
constexpr size_t kRecycledBufferBytes = 4096;

bool converts(es_event_type_t type) {
  return type == ES_EVENT_TYPE_NOTIFY_EXEC || type == ES_EVENT_TYPE_NOTIFY_FORK || type == ES_EVENT_TYPE_NOTIFY_EXIT;
}
}

EventPipeline::EventPipeline(const PipelineOptions &options)
    : options_(options),
      ring_(options.queueCapacity),
      recycled_(options.queueCapacity < kMaxRecycled ? options.queueCapacity : kMaxRecycled),
      fillTarget_(std::max<size_t>(1, std::min<size_t>(options.batchSize, ring_.capacity() / 2))) {}

EventPipeline::~EventPipeline() {
  while (ConvertedEvent *event = ring_.tryPop()) delete event;
  while (ConvertedEvent *event = recycled_.tryPop()) delete event;
}

void EventPipeline::releaseBytes(ConvertedEvent *event) {
  if (event->accountedBytes == 0) return;
  queuedBytes_.fetch_sub(event->accountedBytes, std::memory_order_acq_rel);
  event->accountedBytes = 0;
}

void EventPipeline::recycle(ConvertedEvent *event) {
  releaseBytes(event);
  event->shrinkBuffers(kRecycledBufferBytes);
  if (!recycled_.tryPush(event)) delete event;
}

void EventPipeline::discard(ConvertedEvent *event) {
  releaseBytes(event);
  delete event;
}

void EventPipeline::dropForBytes() {
  queueByteDrops_.fetch_add(1, std::memory_order_release);
  queueDrops_.fetch_add(1, std::memory_order_release);
}

bool EventPipeline::fromReservedImage(const es_message_t *msg) const {
  if (msg->process == nullptr || msg->process->executable == nullptr) return false;
  const es_string_token_t &path = msg->process->executable->path;
  for (const std::string &image : options_.reservedImages) {
    if (image.size() == path.length && std::memcmp(image.data(), path.data, path.length) == 0) return true;
  }
  return false;
}

void EventPipeline::accept(const es_message_t *msg, uint64_t handlerEntryNs) {
  received_.fetch_add(1, std::memory_order_relaxed);
  size_t budget = options_.queueMaxBytes;
  // Budget already spent: drop before copying anything, so a flood of huge execs costs the ES
  // thread a counter increment, not a 256 KiB copy it would throw away. Messages of an emondPaths
  // image (emond's forks, its children's execs) still have the reserve: only root makes them.
  if (converts(msg->event_type) && queuedBytes_.load(std::memory_order_acquire) >= budget) {
    if (!fromReservedImage(msg)) {
      dropForBytes();
      return;
    }
    budget += options_.queueMaxBytes / 8;
  }
  ConvertedEvent *event = recycled_.tryPop();
  if (event != nullptr) {
    event->reset();
  } else {
    event = new (std::nothrow) ConvertedEvent();
  }
  if (event == nullptr) {
    queueDrops_.fetch_add(1, std::memory_order_release);
    return;
  }
  bool converted = false;
  try {
    converted = convertMessage(msg, options_.argv, handlerEntryNs, executionPaths_, *event);
  } catch (...) {
    delete event;  // out of memory mid-copy: EsSession counts the drop
    throw;
  }
  if (!converted) {
    delete event;  // ES thread: not the recycle ring's producer
    return;
  }
  const size_t bytes = event->ownedBytes();
  const uint64_t queued = queuedBytes_.load(std::memory_order_acquire);
  // An empty queue always takes the event, so a budget smaller than one event still makes progress.
  if (queued != 0 && queued + bytes > budget && budget == options_.queueMaxBytes && fromReservedImage(msg)) {
    budget += options_.queueMaxBytes / 8;
  }
  if (queued != 0 && queued + bytes > budget) {
    delete event;
    dropForBytes();
    return;
  }
  event->accountedBytes = bytes;
  const uint64_t held = queuedBytes_.fetch_add(bytes, std::memory_order_acq_rel) + bytes;
  if (!ring_.tryPush(event)) {
    queuedBytes_.fetch_sub(bytes, std::memory_order_acq_rel);
    delete event;
    queueDrops_.fetch_add(1, std::memory_order_release);
    return;
  }
  uint64_t most = maxQueuedBytes_.load(std::memory_order_relaxed);
  while (held > most && !maxQueuedBytes_.compare_exchange_weak(most, held, std::memory_order_relaxed)) {
  }
  // Pairs with the fence in waitForBatch(): either the consumer sees this event, or this thread
  // sees that the consumer went to sleep and wakes it (a store-load ordering a release store does
  // not give, even on x86).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  const uint64_t depth = ring_.size();
  uint64_t deepest = maxDepth_.load(std::memory_order_relaxed);
  while (depth > deepest && !maxDepth_.compare_exchange_weak(deepest, depth, std::memory_order_relaxed)) {
  }
  // Wake the consumer only when it sleeps with nothing queued, or when a batch just filled: a
  // syscall per message would cost more than the whole conversion.
  if (depth == 1 || depth == fillTarget_) wakeConsumer();
}

void EventPipeline::wakeConsumer() {
  // Only when the consumer sleeps, i.e. at most once per batch. Taking the mutex closes the gap
  // between its "queue is empty" check and its wait (a notification there would be lost); the
  // consumer holds it only around those checks, never while JavaScript runs.
  if (consumerWaiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_one();
  }
}

bool EventPipeline::waitForBatch() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mutex_);
  // Sleep while empty. The bounded wait is only a backstop (close() and wakeConsumer() notify, and
  // the fences make a lost wake-up impossible); it is long so an idle agent costs no CPU.
  while (ring_.size() == 0 && !closed_.load(std::memory_order_acquire)) {
    consumerWaiting_.store(true, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (ring_.size() == 0) wake_.wait_for(lock, std::chrono::milliseconds(500));
    consumerWaiting_.store(false, std::memory_order_seq_cst);
  }
  if (ring_.size() == 0) return false;  // closed and drained
  // Something is queued: give the batch up to batchLatencyMs to fill.
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(options_.batchLatencyMs);
  while (ring_.size() < fillTarget_ && !closed_.load(std::memory_order_acquire)) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    consumerWaiting_.store(true, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (ring_.size() < fillTarget_) wake_.wait_until(lock, deadline);
    consumerWaiting_.store(false, std::memory_order_seq_cst);
  }
  return true;
}

void EventPipeline::close() {
  closed_.store(true, std::memory_order_release);
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

}  // namespace emondguard
