// One monotonic clock for the ES thread and JavaScript (exported as nowNs()), so latency from the
// handler's entry to the JS callback is measured on a single time base.
#pragma once

#include <chrono>
#include <cstdint>

namespace emondguard {

inline uint64_t monotonicNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace emondguard
