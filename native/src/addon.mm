// Module entry: what JavaScript sees of the addon. Only src/native/addon.ts loads it.
#include <napi.h>

#include "es_client_wrap.h"
#include "es_session.h"
#include "monotonic_clock.h"
#include "process_snapshot.h"
#include "unified_log.h"

#if defined(EMONDGUARD_SIMULATOR)
#include "../sim/sim_bindings.h"
#endif

namespace emondguard {
namespace {

Napi::Value probeClient(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), EsSession::probe()); }

Napi::Value nowNs(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), static_cast<double>(monotonicNowNs()));
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("EsClient", EsClientWrap::define(env));
  exports.Set("probeClient", Napi::Function::New<probeClient>(env, "probeClient"));
  exports.Set("log", Napi::Function::New<logToUnifiedLog>(env, "log"));
  exports.Set("listProcesses", Napi::Function::New<listProcesses>(env, "listProcesses"));
  exports.Set("nowNs", Napi::Function::New<nowNs>(env, "nowNs"));
  // Lets the loader check the binary matches the host it runs on.
#if defined(EMONDGUARD_SIMULATOR)
  exports.Set("backend", Napi::String::New(env, "simulator"));
  exports.Set("sim", createSimulatorControls(env));
#else
  exports.Set("backend", Napi::String::New(env, "endpoint-security"));
#endif
#if defined(__APPLE__)
  exports.Set("platform", Napi::String::New(env, "darwin"));
#else
  exports.Set("platform", Napi::String::New(env, "linux"));
#endif
  return exports;
}

}  // namespace
}  // namespace emondguard

static Napi::Object InitEmondguardNative(Napi::Env env, Napi::Object exports) { return emondguard::init(env, exports); }

NODE_API_MODULE(emondguard_native, InitEmondguardNative)
