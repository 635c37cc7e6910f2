// Kernel drop accounting from sequence numbers. ES numbers the messages it sends a client per
// event type (seq_num, message version >= 2) and across all types (global_seq_num, version >= 4);
// when a slow client makes the kernel drop NOTIFY messages, the numbers jump:
// dropped = seq - (previous + 1). Written on the ES thread only; read from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform.h"

namespace emondguard {

enum TrackedType : int { kTrackedExec = 0, kTrackedFork = 1, kTrackedExit = 2, kTrackedTypeCount = 3 };

inline int trackedTypeOf(es_event_type_t type) {
  switch (type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: return kTrackedExec;
    case ES_EVENT_TYPE_NOTIFY_FORK: return kTrackedFork;
    case ES_EVENT_TYPE_NOTIFY_EXIT: return kTrackedExit;
    default: return -1;
  }
}

class SequenceTracker {
 public:
  void observe(const es_message_t *msg) {
    if (msg->version >= 2) {
      const int type = trackedTypeOf(msg->event_type);
      if (type >= 0) account(msg->seq_num, lastPerType_[type], seenPerType_[type], droppedPerType_[type]);
    }
    if (msg->version >= 4) account(msg->global_seq_num, lastGlobal_, seenGlobal_, droppedGlobal_);
  }

  uint64_t droppedOfType(int type) const { return droppedPerType_[type].load(std::memory_order_relaxed); }
  uint64_t droppedGlobal() const { return droppedGlobal_.load(std::memory_order_relaxed); }

 private:
  static void account(uint64_t seq, uint64_t &last, bool &seen, std::atomic<uint64_t> &dropped) {
    // A number at or below the last one means the sequence restarted (a new client or a
    // reordering we cannot reason about); it starts a new run rather than counting negative drops.
    if (seen && seq > last + 1) dropped.fetch_add(seq - (last + 1), std::memory_order_relaxed);
    last = seq;
    seen = true;
  }

  uint64_t lastPerType_[kTrackedTypeCount] = {};
  bool seenPerType_[kTrackedTypeCount] = {};
  std::atomic<uint64_t> droppedPerType_[kTrackedTypeCount] = {};
  uint64_t lastGlobal_ = 0;
  bool seenGlobal_ = false;
  std::atomic<uint64_t> droppedGlobal_{0};
};

}  // namespace emondguard
