#include "unified_log.h"

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "platform.h"

namespace emondguard {
namespace {

// Heap-allocated and never freed on purpose: no static object with a non-trivial destructor may
// run at process exit while another thread could still log. os_log_t handles are process-wide.
std::mutex &cacheMutex() {
  static std::mutex *mutex = new std::mutex();
  return *mutex;
}

os_log_t handleFor(const std::string &subsystem, const std::string &category) {
  static auto *cache = new std::map<std::pair<std::string, std::string>, os_log_t>();
  std::lock_guard<std::mutex> lock(cacheMutex());
  auto key = std::make_pair(subsystem, category);
  auto found = cache->find(key);
  if (found != cache->end()) return found->second;
  os_log_t handle = os_log_create(subsystem.c_str(), category.c_str());
  cache->emplace(std::move(key), handle);
  return handle;
}

bool levelNamed(const std::string &name, os_log_type_t &out) {
  if (name == "debug") out = OS_LOG_TYPE_DEBUG;
  else if (name == "info") out = OS_LOG_TYPE_INFO;
  else if (name == "default") out = OS_LOG_TYPE_DEFAULT;
  else if (name == "error") out = OS_LOG_TYPE_ERROR;
  else if (name == "fault") out = OS_LOG_TYPE_FAULT;
  else return false;
  return true;
}

}  // namespace

Napi::Value logToUnifiedLog(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  for (size_t i = 0; i < 4; ++i) {
    if (!info[i].IsString()) throw Napi::TypeError::New(env, "log(subsystem, category, level, message, options?) takes four strings");
  }
  os_log_type_t type = OS_LOG_TYPE_DEFAULT;
  const std::string level = info[2].As<Napi::String>().Utf8Value();
  if (!levelNamed(level, type)) {
    throw Napi::TypeError::New(env, "log level must be one of debug, info, default, error, fault (got \"" + level + "\")");
  }
  bool isPublic = false;
  bool hasDetail = false;
  std::string detail;
  if (info[4].IsObject()) {
    const Napi::Object options = info[4].As<Napi::Object>();
    const Napi::Value publicValue = options.Get("public");
    isPublic = publicValue.IsBoolean() && publicValue.As<Napi::Boolean>().Value();
    const Napi::Value detailValue = options.Get("detail");
    if (detailValue.IsString()) {
      hasDetail = true;
      detail = detailValue.As<Napi::String>().Utf8Value();
    }
  }
  const os_log_t log = handleFor(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value());
  const std::string message = info[3].As<Napi::String>().Utf8Value();
  // os_log formats must be literals, so the four combinations are spelled out. `%s` keeps the
  // OS default privacy (shown as <private> unless the system is configured otherwise).
  if (isPublic && hasDetail) os_log_with_type(log, type, "%{public}s %s", message.c_str(), detail.c_str());
  else if (isPublic) os_log_with_type(log, type, "%{public}s", message.c_str());
  else if (hasDetail) os_log_with_type(log, type, "%s %s", message.c_str(), detail.c_str());
  else os_log_with_type(log, type, "%s", message.c_str());
  return env.Undefined();
}

}  // namespace emondguard
