// The simulator's control surface for tests and benchmarks (exported as `sim`, simulator builds
// only): inject messages, bursts, forced es_new_client results, process table, log ring.
#pragma once

#include <napi.h>

namespace emondguard {

Napi::Object createSimulatorControls(Napi::Env env);

}  // namespace emondguard
