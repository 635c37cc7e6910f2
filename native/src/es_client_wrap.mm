#include "es_client_wrap.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "client_options.h"
#include "es_session.h"
#include "event_pipeline.h"
#include "batch_encoding.h"
#include "fault_points.h"

namespace emondguard {

using Batch = std::vector<ConvertedEvent *>;

// Everything one start() creates. Shared by the wrap and the thread-safe function's context, so
// batches still queued for JavaScript after stop() never point at freed memory.
struct ClientRun {
  explicit ClientRun(const ClientOptions &options) : options(options), pipeline(options.pipeline), session(pipeline) {}

  ClientOptions options;
  EventPipeline pipeline;
  EsSession session;
  std::thread delivery;
  Napi::FunctionReference onError;
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> callbackErrors{0};
  std::atomic<int> batchesInFlight{0};
  std::mutex inFlightMutex;
  std::condition_variable inFlightDropped;
};

namespace {

// Batches handed to the thread-safe function but not yet run in JavaScript. Past this the
// delivery thread waits, the ring fills, and the ES thread starts counting queue drops: memory
// stays bounded when JavaScript cannot keep up.
constexpr int kMaxBatchesInFlight = 8;
// A batch holds at most 1/kBatchBytesShare of queueMaxMB, and never less than kMinBatchBytesCap
// (one big event always fits: the loop stops only after the byte cap is reached).
constexpr size_t kBatchBytesShare = 16;
constexpr size_t kMinBatchBytesCap = 1u << 20;

void freeBatch(Batch *batch) {
  for (ConvertedEvent *event : *batch) delete event;
  delete batch;
}

// Like freeBatch, for a run that is still alive: the events' bytes go back to the queue budget.
void discardBatch(ClientRun &run, Batch *batch) {
  for (ConvertedEvent *event : *batch) run.pipeline.discard(event);
  delete batch;
}

// JS thread only: the events go back to the ES thread for reuse.
void recycleBatch(ClientRun &run, Batch *batch) {
  for (ConvertedEvent *event : *batch) run.pipeline.recycle(event);
  delete batch;
}

void reportCallbackError(ClientRun &run, const Napi::Value &error) {
  run.callbackErrors.fetch_add(1, std::memory_order_relaxed);
  if (run.onError.IsEmpty()) return;
  try {
    run.onError.Call({error});
  } catch (const Napi::Error &) {
    // An error handler that throws has nowhere left to report to; the count above records it.
  }
}

Napi::Object dropInfo(Napi::Env env, ClientRun &run) {
  Napi::Object info = Napi::Object::New(env);
  const SequenceTracker &seq = run.session.sequences();
  const uint64_t kernel = seq.droppedOfType(kTrackedExec) + seq.droppedOfType(kTrackedFork) +
                          seq.droppedOfType(kTrackedExit);
  info.Set("queueDrops", Napi::Number::New(env, static_cast<double>(run.pipeline.queueDrops() + run.session.handlerDrops())));
  info.Set("queueByteDrops", Napi::Number::New(env, static_cast<double>(run.pipeline.queueByteDrops())));
  info.Set("kernelDrops", Napi::Number::New(env, static_cast<double>(kernel)));
  info.Set("kernelDropsGlobal", Napi::Number::New(env, static_cast<double>(seq.droppedGlobal())));
  return info;
}

// Runs on the JS thread for each batch. `env` is null when the environment is being torn down
// (process exit): then the batch is only freed.
void callJs(Napi::Env env, Napi::Function onBatch, std::shared_ptr<ClientRun> *context, Batch *batch) {
  if (env == nullptr) {
    // Teardown: Node may already have run finalizeDelivery, which deleted `context` (and with it
    // the last reference to the run), before it drains what is left. Touch nothing but the batch.
    freeBatch(batch);
    return;
  }
  ClientRun &run = **context;
  if (run.batchesInFlight.fetch_sub(1, std::memory_order_acq_rel) == kMaxBatchesInFlight) {
    std::lock_guard<std::mutex> lock(run.inFlightMutex);  // the delivery thread may be waiting for room
    run.inFlightDropped.notify_one();
  }
  if (onBatch.IsEmpty()) {
    discardBatch(run, batch);
    return;
  }
  try {
    Napi::HandleScope scope(env);
    const EncodedBatch encoded = encodeBatch(env, *batch);
    const size_t count = batch->size();
    // The batch's bytes stay charged to the queue budget until JavaScript is done with it: its
    // copy (the encoded text and the strings sliced from it) is as large as the events were.
    size_t held = 0;
    for (ConvertedEvent *event : *batch) {
      held += event->accountedBytes;
      event->accountedBytes = 0;
    }
    recycleBatch(run, batch);
    batch = nullptr;
    run.delivered.fetch_add(count, std::memory_order_release);
    run.batches.fetch_add(1, std::memory_order_relaxed);
    try {
      onBatch.Call({encoded.numbers, encoded.text, encoded.ends, dropInfo(env, run)});
    } catch (const Napi::Error &error) {
      reportCallbackError(run, error.Value());
    }
    run.pipeline.releaseHeldBytes(held);
  } catch (const Napi::Error &error) {
    // Encoding the batch failed (out of memory, a terminating isolate): its events are lost,
    // counted as drops; report, keep going.
    if (batch != nullptr) {
      run.pipeline.countDropped(batch->size());
      discardBatch(run, batch);
    }
    reportCallbackError(run, error.Value());
  }
}

using DeliveryFunction = Napi::TypedThreadSafeFunction<std::shared_ptr<ClientRun>, Batch, callJs>;

void finalizeDelivery(Napi::Env, void *, std::shared_ptr<ClientRun> *context) { delete context; }

// The delivery thread: waits for a batch, pops it, and hands it to JavaScript without blocking.
void deliveryLoop(ClientRun *run, DeliveryFunction tsfn) {
  egNameCurrentThread("eg-delivery");
  EventPipeline &pipeline = run->pipeline;
  const size_t batchSize = pipeline.options().batchSize;
  // A batch carries at most a slice of the byte budget. JavaScript holds one batch as a string
  // while it works on it, and V8 frees that string only at its next major GC: a batch as large as
  // the whole budget (256 events of 250 KB argv) made the agent's heap twice the budget on top of
  // the queue itself. Smaller batches keep what JavaScript holds small; the count is unchanged.
  const size_t maxBatchBytes = std::max<size_t>(kMinBatchBytesCap, pipeline.options().queueMaxBytes / kBatchBytesShare);
  while (pipeline.waitForBatch()) {
    // Bound what waits for JavaScript; once closed, flush everything that was already received.
    {
      std::unique_lock<std::mutex> lock(run->inFlightMutex);
      while (run->batchesInFlight.load(std::memory_order_acquire) >= kMaxBatchesInFlight && !pipeline.closed()) {
        // Bounded so close() (which does not take this mutex) is noticed promptly.
        run->inFlightDropped.wait_for(lock, std::chrono::milliseconds(5));
      }
    }
    Batch *batch = new Batch();
    batch->reserve(batchSize);
    size_t batchBytes = 0;
    while (batch->size() < batchSize && batchBytes < maxBatchBytes) {
      ConvertedEvent *event = pipeline.pop();
      if (event == nullptr) break;
      batch->push_back(event);
      batchBytes += event->accountedBytes;
    }
    if (batch->empty()) {
      delete batch;
      continue;
    }
    run->batchesInFlight.fetch_add(1, std::memory_order_acq_rel);
    if (tsfn.NonBlockingCall(batch) != napi_ok) {
      // Closing (environment teardown): nobody will run it.
      run->batchesInFlight.fetch_sub(1, std::memory_order_acq_rel);
      discardBatch(*run, batch);
    }
  }
  tsfn.Release();
}

const char *stepName(SessionStartResult::Step step) {
  switch (step) {
    case SessionStartResult::NewClient: return "es_new_client";
    case SessionStartResult::Subscribe: return "es_subscribe";
    case SessionStartResult::MuteSelf: return "es_mute_process";
    case SessionStartResult::InvertMuting: return "es_invert_muting";
    case SessionStartResult::Unsupported: return "macos_version";
    default: return "ok";
  }
}

}  // namespace

Napi::Function EsClientWrap::define(Napi::Env env) {
  return DefineClass(env, "EsClient",
                     {InstanceMethod<&EsClientWrap::start>("start"), InstanceMethod<&EsClientWrap::stop>("stop"),
                      InstanceMethod<&EsClientWrap::stats>("stats"),
                      InstanceAccessor<&EsClientWrap::running>("running")});
}

EsClientWrap::EsClientWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<EsClientWrap>(info) {
  // Parse now so bad options fail at construction, then keep the object for each start().
  parseClientOptions(info.Env(), info[0]);
  options_ = Napi::Persistent(info[0].IsObject() ? info[0] : Napi::Object::New(info.Env()).As<Napi::Value>());
}

EsClientWrap::~EsClientWrap() { stopRun(); }

Napi::Value EsClientWrap::start(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (run_ != nullptr) throw Napi::Error::New(env, "EsClient is already started; call stop() first");
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "EsClient.start(onBatch, onError) needs two functions");
  }
  lastRun_.reset();
  auto run = std::make_shared<ClientRun>(parseClientOptions(env, options_.Value()));
  run->onError = Napi::Persistent(info[1].As<Napi::Function>());

  const SessionStartResult started = run->session.start(run->options.session);
  if (started.step != SessionStartResult::Ok) {
    // A plain error with the raw facts; src/native/addon.ts turns it into an actionable EsClientError.
    Napi::Error error = Napi::Error::New(env, std::string(stepName(started.step)) + " failed with result " +
                                                  std::to_string(started.code));
    error.Set("esStep", Napi::String::New(env, stepName(started.step)));
    error.Set("esResult", Napi::Number::New(env, started.code));
    throw error;
  }

  // From here the ES client runs: if anything below fails, stop it again (unsubscribe, delete the
  // client, close the pipeline) before the error reaches JavaScript, or it would run unowned.
  struct StopUnlessStarted {
    ClientRun &run;
    bool started = false;
    ~StopUnlessStarted() {
      if (started) return;
      run.session.stop();
      run.pipeline.close();
    }
  } guard{*run};

  auto *context = new std::shared_ptr<ClientRun>(run);
  DeliveryFunction tsfn;
  try {
    if (EG_SIM_FAULT(TsfnCreate)) throw Napi::Error::New(env, "napi_create_threadsafe_function failed (injected)");
    tsfn = DeliveryFunction::New(env, info[0].As<Napi::Function>(), "emondguard-es-delivery", 0, 1, context, finalizeDelivery,
                                 static_cast<void *>(nullptr));
  } catch (...) {
    delete context;  // not created: its finalizer, which would delete the context, never runs
    throw;
  }
  try {
    if (EG_SIM_FAULT(ThreadCreate)) throw std::system_error(EAGAIN, std::generic_category(), "std::thread (injected)");
    run->delivery = std::thread(deliveryLoop, run.get(), tsfn);
  } catch (const std::system_error &error) {
    tsfn.Release();  // its finalizer deletes the context
    // Not a Napi::Error: left alone it would escape into N-API and end in std::terminate.
    throw Napi::Error::New(env, std::string("could not start the delivery thread (") + error.what() +
                                    "): the system is out of threads or memory; retry, or restart the agent");
  }
  guard.started = true;
  run_ = run;
  napi_add_env_cleanup_hook(env, onEnvCleanup, this);
  // While started, the client lives even if JavaScript drops every reference to it.
  Ref();
  referenced_ = true;
  return env.Undefined();
}

// Takes the current run and ends it: no handler runs after this returns, and the delivery thread
// has flushed what was received and released the TSFN. Null when nothing was running.
std::shared_ptr<ClientRun> EsClientWrap::endRun() {
  if (run_ == nullptr) return nullptr;
  std::shared_ptr<ClientRun> run = std::move(run_);
  run_.reset();
  run->session.stop();
  run->pipeline.close();
  if (run->delivery.joinable()) run->delivery.join();
  return run;
}

void EsClientWrap::stopRun() {
  std::shared_ptr<ClientRun> run = endRun();
  if (run == nullptr) return;
  lastRun_ = run;
  napi_remove_env_cleanup_hook(Env(), onEnvCleanup, this);
  if (referenced_) {
    referenced_ = false;
    Unref();
  }
}

void EsClientWrap::onEnvCleanup(void *arg) {
  // Process exit or worker termination: stop the ES client and join our threads before the
  // environment goes away; no N-API call (Unref) is safe any more. Pending batches are then freed
  // by callJs with a null env.
  auto *self = static_cast<EsClientWrap *>(arg);
  if (self->endRun() != nullptr) self->referenced_ = false;
}

Napi::Value EsClientWrap::stop(const Napi::CallbackInfo &info) {
  stopRun();
  return info.Env().Undefined();
}

Napi::Value EsClientWrap::running(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), run_ != nullptr);
}

Napi::Value EsClientWrap::stats(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  Napi::Object kernel = Napi::Object::New(env);
  Napi::Object perType = Napi::Object::New(env);
  auto num = [&](uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); };
  const std::shared_ptr<ClientRun> &run = run_ != nullptr ? run_ : lastRun_;
  if (run == nullptr) {
    for (const char *name : {"received", "delivered", "queueDrops", "handlerDrops", "queueByteDrops", "queueBytes",
                             "maxQueueBytes", "batches", "maxQueueDepth", "callbackErrors"}) {
      out.Set(name, num(0));
    }
    for (const char *name : {"exec", "fork", "exit"}) perType.Set(name, num(0));
    kernel.Set("global", num(0));
  } else {
    const SequenceTracker &seq = run->session.sequences();
    // Outcomes before `received` (counted first, on the ES thread): read while events flow,
    // delivered + queueDrops never exceeds received.
    const uint64_t delivered = run->delivered.load(std::memory_order_acquire);
    // A message the handler failed on was received but never queued: it counts as a queue drop, so
    // delivered + queueDrops still reaches received.
    const uint64_t handlerDrops = run->session.handlerDrops();
    const uint64_t queueDrops = run->pipeline.queueDrops() + handlerDrops;
    const uint64_t queueByteDrops = run->pipeline.queueByteDrops();
    out.Set("received", num(run->pipeline.received()));
    out.Set("delivered", num(delivered));
    out.Set("queueDrops", num(queueDrops));
    out.Set("handlerDrops", num(handlerDrops));
    out.Set("queueByteDrops", num(queueByteDrops));
    out.Set("queueBytes", num(run->pipeline.queuedBytes()));
    out.Set("maxQueueBytes", num(run->pipeline.maxQueuedBytes()));
    out.Set("batches", num(run->batches.load()));
    out.Set("maxQueueDepth", num(run->pipeline.maxQueueDepth()));
    out.Set("callbackErrors", num(run->callbackErrors.load()));
    perType.Set("exec", num(seq.droppedOfType(kTrackedExec)));
    perType.Set("fork", num(seq.droppedOfType(kTrackedFork)));
    perType.Set("exit", num(seq.droppedOfType(kTrackedExit)));
    kernel.Set("global", num(seq.droppedGlobal()));
  }
  kernel.Set("perType", perType);
  out.Set("kernelDrops", kernel);
  return out;
}

}  // namespace emondguard
