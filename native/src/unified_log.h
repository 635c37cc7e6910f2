// The unified log (os_log) with cached os_log_t handles per (subsystem, category). Called from
// the JS thread only, never from the ES handler: os_log can block on IPC.
#pragma once

#include <napi.h>

namespace emondguard {

// log(subsystem, category, level, message, options?: { public?: boolean; detail?: string })
Napi::Value logToUnifiedLog(const Napi::CallbackInfo &info);

}  // namespace emondguard
