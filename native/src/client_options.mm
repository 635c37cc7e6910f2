#include "client_options.h"

#include <string>

namespace emondguard {
namespace {

uint32_t readCount(const Napi::Object &options, const char *name, uint32_t fallback, uint32_t min, uint32_t max) {
  const Napi::Value value = options.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(options.Env(), std::string("EsClient option ") + name + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= min && number <= max) || number != static_cast<double>(static_cast<uint32_t>(number))) {
    throw Napi::RangeError::New(options.Env(), std::string("EsClient option ") + name + " must be an integer from " +
                                                   std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<uint32_t>(number);
}

es_event_type_t eventTypeNamed(const Napi::Env &env, const std::string &name) {
  if (name == "exec") return ES_EVENT_TYPE_NOTIFY_EXEC;
  if (name == "fork") return ES_EVENT_TYPE_NOTIFY_FORK;
  if (name == "exit") return ES_EVENT_TYPE_NOTIFY_EXIT;
  throw Napi::TypeError::New(env, "EsClient option events accepts only \"exec\", \"fork\" and \"exit\", not \"" + name + "\"");
}

std::vector<std::string> readStrings(const Napi::Object &options, const char *name) {
  const Napi::Value value = options.Get(name);
  std::vector<std::string> out;
  if (value.IsUndefined()) return out;
  if (!value.IsArray()) throw Napi::TypeError::New(options.Env(), std::string("EsClient option ") + name + " must be an array of strings");
  const Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value item = array.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(options.Env(), std::string("EsClient option ") + name + " must be an array of strings");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

}  // namespace

ClientOptions parseClientOptions(const Napi::Env &env, const Napi::Value &value) {
  ClientOptions result;
  const Napi::Object options = value.IsObject() ? value.As<Napi::Object>() : Napi::Object::New(env);

  std::vector<std::string> events = readStrings(options, "events");
  if (options.Get("events").IsUndefined()) events = {"exec", "fork", "exit"};
  if (events.empty()) throw Napi::TypeError::New(env, "EsClient option events must name at least one event");
  for (const std::string &name : events) result.session.events.push_back(eventTypeNamed(env, name));

  const Napi::Value muteSelf = options.Get("muteSelf");
  if (!muteSelf.IsUndefined() && !muteSelf.IsBoolean()) throw Napi::TypeError::New(env, "EsClient option muteSelf must be a boolean");
  result.session.muteSelf = muteSelf.IsUndefined() ? true : muteSelf.As<Napi::Boolean>().Value();

  const Napi::Value mode = options.Get("mode");
  const std::string modeName = mode.IsString() ? mode.As<Napi::String>().Utf8Value() : mode.IsUndefined() ? "full" : "";
  if (modeName != "full" && modeName != "emond-only") {
    throw Napi::TypeError::New(env, "EsClient option mode must be \"full\" or \"emond-only\"");
  }
  result.session.emondOnly = modeName == "emond-only";
  result.session.emondPaths = readStrings(options, "emondPaths");
  if (options.Get("emondPaths").IsUndefined()) result.session.emondPaths = {"/sbin/emond"};
  result.pipeline.reservedImages = result.session.emondPaths;

  result.pipeline.batchSize = readCount(options, "batchSize", 256, 1, 65536);
  result.pipeline.batchLatencyMs = readCount(options, "batchLatencyMs", 1, 0, 10000);
  result.pipeline.queueCapacity = readCount(options, "queueCapacity", 16384, 2, 1u << 24);
  result.pipeline.argv.maxCount = readCount(options, "maxArgs", 1024, 0, 1u << 20);
  result.pipeline.argv.maxBytes = readCount(options, "maxArgBytes", 256 * 1024, 0, 1u << 30);
  result.pipeline.argv.maxArgLength = readCount(options, "maxArgLength", 64 * 1024, 0, 1u << 30);
  result.pipeline.queueMaxBytes = static_cast<size_t>(readCount(options, "queueMaxMB", 64, 1, 65536)) << 20;
  return result;
}

}  // namespace emondguard
