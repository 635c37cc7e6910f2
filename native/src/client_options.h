// Options of an EsClient, read from the JavaScript options object. src/native/addon.ts validates
// them first with precise messages; this is the native guard against anything that slips past.
#pragma once

#include <napi.h>

#include "es_session.h"
#include "event_pipeline.h"

namespace emondguard {

struct ClientOptions {
  SessionOptions session;
  PipelineOptions pipeline;
};

// Throws a Napi::TypeError naming the bad option.
ClientOptions parseClientOptions(const Napi::Env &env, const Napi::Value &value);

}  // namespace emondguard
