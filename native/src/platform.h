// The one place that includes Apple's system headers. On macOS they come from the SDK; elsewhere
// the same include paths resolve to native/sim/include (added by CMakeLists.txt), so every other
// source is identical on both.
#pragma once

#include <EndpointSecurity/EndpointSecurity.h>
#include <bsm/libbsm.h>
#include <libproc.h>
#include <os/log.h>
#include <pthread.h>

// Runtime OS checks for APIs newer than the oldest macOS Node 20 runs on (10.15). Off Apple
// platforms the simulator implements everything, so the checks are always true.
#if defined(__APPLE__)
#define EG_RUNTIME_AT_LEAST_MACOS_11 __builtin_available(macOS 11.0, *)
#define EG_RUNTIME_AT_LEAST_MACOS_13 __builtin_available(macOS 13.0, *)
#else
#define EG_RUNTIME_AT_LEAST_MACOS_11 true
#define EG_RUNTIME_AT_LEAST_MACOS_13 true
#endif

// Names the calling thread, so `ps -M`, Activity Monitor, /proc/PID/task and the benchmarks can
// tell the agent's threads apart. Names are cut to 15 characters (Linux's limit).
inline void egNameCurrentThread(const char *name) {
#if defined(__APPLE__)
  pthread_setname_np(name);
#else
  pthread_setname_np(pthread_self(), name);
#endif
}
