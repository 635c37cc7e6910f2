// Where the addon's own start-up path can be made to fail in tests: EG_SIM_FAULT(point) is true
// when a test armed that point in the simulator (native/sim/sim_faults.h), and the constant false
// in macOS builds, where it compiles to nothing.
#pragma once

#if defined(EMONDGUARD_SIMULATOR)
#include "sim_faults.h"
#define EG_SIM_FAULT(point) (::emondguard::sim::consumeFault(::emondguard::sim::FaultPoint::point))
#else
#define EG_SIM_FAULT(point) false
#endif
