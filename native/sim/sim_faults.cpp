#include "sim_faults.h"

#include <atomic>
#include <cstring>

namespace emondguard::sim {
namespace {

constexpr int kPoints = static_cast<int>(FaultPoint::Count);
const char *const kNames[kPoints] = {"proc_listallpids", "tsfn", "thread", "handler_alloc"};

std::atomic<uint32_t> &armed(FaultPoint point) {
  static std::atomic<uint32_t> *counters = new std::atomic<uint32_t>[kPoints]();  // never destroyed
  return counters[static_cast<int>(point)];
}

}  // namespace

const char *faultPointName(FaultPoint point) {
  const int index = static_cast<int>(point);
  return index >= 0 && index < kPoints ? kNames[index] : nullptr;
}

bool faultPointNamed(const char *name, FaultPoint &out) {
  for (int i = 0; i < kPoints; ++i) {
    if (std::strcmp(kNames[i], name) == 0) {
      out = static_cast<FaultPoint>(i);
      return true;
    }
  }
  return false;
}

void armFault(FaultPoint point, uint32_t times) { armed(point).store(times, std::memory_order_release); }

bool consumeFault(FaultPoint point) {
  std::atomic<uint32_t> &left = armed(point);
  uint32_t now = left.load(std::memory_order_acquire);
  while (now > 0) {
    if (left.compare_exchange_weak(now, now - 1, std::memory_order_acq_rel)) return true;
  }
  return false;
}

void clearFaults() {
  for (int i = 0; i < kPoints; ++i) armed(static_cast<FaultPoint>(i)).store(0, std::memory_order_release);
}

}  // namespace emondguard::sim
