// sim.layout(): the simulator's struct sizes, field offsets and constants, for the test that
// checks them against Apple's (native/sim/apple_layout.json).
#pragma once

#include <napi.h>

namespace emondguard {

Napi::Object simulatorLayout(Napi::Env env);

}  // namespace emondguard
