// os_log for the simulator: records each call in a bounded ring with what the OS would display
// (arguments without {public} shown as <private>) and the raw arguments, for tests to read back.
#include <cstdarg>
#include <deque>
#include <mutex>

#include "sim_world.h"

struct os_log_s {
  std::string subsystem;
  std::string category;
};

namespace emondguard::sim {
namespace {

constexpr size_t kRingCapacity = 1024;

struct Ring {
  std::mutex mutex;
  std::deque<LogRecord> records;
};

Ring &ring() {
  static Ring *instance = new Ring();  // never destroyed: no exit-time destructor
  return *instance;
}

}  // namespace

void appendLogRecord(LogRecord record) {
  std::lock_guard<std::mutex> lock(ring().mutex);
  if (ring().records.size() == kRingCapacity) ring().records.pop_front();
  ring().records.push_back(std::move(record));
}

std::vector<LogRecord> logRecords() {
  std::lock_guard<std::mutex> lock(ring().mutex);
  return std::vector<LogRecord>(ring().records.begin(), ring().records.end());
}

void clearLogRecords() {
  std::lock_guard<std::mutex> lock(ring().mutex);
  ring().records.clear();
}

}  // namespace emondguard::sim

extern "C" {

os_log_t os_log_create(const char *subsystem, const char *category) {
  return new os_log_s{subsystem != nullptr ? subsystem : "", category != nullptr ? category : ""};
}

void emondguard_sim_os_log_record(os_log_t log, os_log_type_t type, const char *format, ...) {
  emondguard::sim::LogRecord record;
  record.subsystem = log->subsystem;
  record.category = log->category;
  record.type = type;
  record.format = format;
  va_list args;
  va_start(args, format);
  // Only string placeholders are used by the addon: "%s" and "%{public}s".
  for (const char *p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      record.rendered.push_back(*p);
      continue;
    }
    const char *rest = p + 1;
    bool isPublic = false;
    static const char kPublic[] = "{public}";
    if (std::string(rest).compare(0, sizeof(kPublic) - 1, kPublic) == 0) {
      isPublic = true;
      rest += sizeof(kPublic) - 1;
    }
    if (*rest != 's') {
      record.rendered.push_back(*p);
      continue;
    }
    const char *value = va_arg(args, const char *);
    record.arguments.push_back({value != nullptr ? value : "(null)", isPublic});
    record.rendered += isPublic ? record.arguments.back().value : "<private>";
    p = rest;
  }
  va_end(args);
  emondguard::sim::appendLogRecord(std::move(record));
}

}  // extern "C"
