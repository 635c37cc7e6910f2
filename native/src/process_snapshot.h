// The process snapshot that seeds the process tree at start-up (an emond started before the
// agent must be known): pid, ppid, pidversion where readable, executable path. libproc on macOS,
// the simulator's process table elsewhere.
#pragma once

#include <napi.h>

namespace emondguard {

Napi::Value listProcesses(const Napi::CallbackInfo &info);

}  // namespace emondguard
