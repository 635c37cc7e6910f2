// A bounded single-producer/single-consumer ring of pointers. The producer (the ES thread) never
// waits: a full ring refuses the push and the caller counts a drop.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace emondguard {

template <typename T>
class SpscRing {
 public:
  explicit SpscRing(size_t capacity) : mask_(roundUpToPowerOfTwo(capacity) - 1), slots_(new T *[mask_ + 1]) {}

  size_t capacity() const { return mask_ + 1; }

  bool tryPush(T *item) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) > mask_) return false;
    slots_[tail & mask_] = item;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  T *tryPop() {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return nullptr;
    T *item = slots_[head & mask_];
    head_.store(head + 1, std::memory_order_release);
    return item;
  }

  size_t size() const { return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire); }

 private:
  static size_t roundUpToPowerOfTwo(size_t n) {
    size_t p = 2;
    while (p < n) p <<= 1;
    return p;
  }

  const size_t mask_;
  std::unique_ptr<T *[]> slots_;
  // Separate cache lines so the producer and the consumer do not invalidate each other's index.
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace emondguard
