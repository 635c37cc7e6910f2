// Failure injection for the simulator: tests arm a point for the next N times it is reached, and
// the simulated call (or, through EG_SIM_FAULT in native/src/fault_points.h, the addon's own
// start-up path) fails the way the real one can. Nothing is armed unless a test asks.
#pragma once

#include <cstdint>

namespace emondguard::sim {

enum class FaultPoint : int {
  ProcListAllPids,   // proc_listallpids() returns 0 (the kernel's "nothing read") with errno EPERM
  TsfnCreate,        // creating the EsClient's thread-safe function fails (napi_create_threadsafe_function)
  ThreadCreate,      // starting the delivery thread fails (std::thread throws std::system_error, EAGAIN)
  HandlerAlloc,      // an allocation inside the ES handler fails: es_exec_arg() throws std::bad_alloc
  Count,
};

// Names as the JS control API spells them; null for an unknown name.
const char *faultPointName(FaultPoint point);
bool faultPointNamed(const char *name, FaultPoint &out);

void armFault(FaultPoint point, uint32_t times);
// True (and one use spent) when `point` is armed.
bool consumeFault(FaultPoint point);
void clearFaults();

}  // namespace emondguard::sim
