// N-API glue for the ES client: an ObjectWrap that owns one run (session + pipeline + delivery
// thread + TypedThreadSafeFunction) at a time. start(onBatch, onError) / stop() / stats().
#pragma once

#include <napi.h>

#include <memory>

namespace emondguard {

struct ClientRun;

class EsClientWrap final : public Napi::ObjectWrap<EsClientWrap> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit EsClientWrap(const Napi::CallbackInfo &info);
  ~EsClientWrap() override;

 private:
  Napi::Value start(const Napi::CallbackInfo &info);
  Napi::Value stop(const Napi::CallbackInfo &info);
  Napi::Value stats(const Napi::CallbackInfo &info);
  Napi::Value running(const Napi::CallbackInfo &info);

  void stopRun();
  std::shared_ptr<ClientRun> endRun();
  static void onEnvCleanup(void *arg);

  Napi::Reference<Napi::Value> options_;
  std::shared_ptr<ClientRun> run_;
  std::shared_ptr<ClientRun> lastRun_;  // what stats() reports after stop()
  bool referenced_ = false;
};

}  // namespace emondguard
