#include "sim_bindings.h"

#include <cmath>
#include <string>

#include "sim_faults.h"
#include "sim_layout.h"
#include "sim_world.h"

namespace emondguard {
namespace {

using sim::FileSpec;
using sim::MessageSpec;
using sim::ProcessSpec;

// Strings may come as JS strings (UTF-8) or Buffers (any bytes, e.g. invalid UTF-8 or NULs).
std::string bytesOf(const Napi::Value &value) {
  if (value.IsBuffer()) {
    const Napi::Buffer<char> buffer = value.As<Napi::Buffer<char>>();
    return std::string(buffer.Data(), buffer.Length());
  }
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  return std::string();
}

double numberOr(const Napi::Object &object, const char *name, double fallback) {
  const Napi::Value value = object.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(object.Env(), std::string("sim: ") + name + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

bool boolOr(const Napi::Object &object, const char *name, bool fallback) {
  const Napi::Value value = object.Get(name);
  return value.IsBoolean() ? value.As<Napi::Boolean>().Value() : fallback;
}

Napi::Object objectOr(const Napi::Env &env, const Napi::Value &value) {
  return value.IsObject() ? value.As<Napi::Object>() : Napi::Object::New(env);
}

audit_token_t tokenOf(const Napi::Env &env, const Napi::Value &value, pid_t defaultPid) {
  const Napi::Object o = objectOr(env, value);
  audit_token_t token = {};
  token.val[0] = static_cast<unsigned int>(numberOr(o, "auid", 0));
  token.val[1] = static_cast<unsigned int>(numberOr(o, "euid", 0));
  token.val[2] = static_cast<unsigned int>(numberOr(o, "egid", 0));
  token.val[3] = static_cast<unsigned int>(numberOr(o, "ruid", 0));
  token.val[4] = static_cast<unsigned int>(numberOr(o, "rgid", 0));
  token.val[5] = static_cast<unsigned int>(numberOr(o, "pid", defaultPid));
  token.val[6] = static_cast<unsigned int>(numberOr(o, "asid", 0));
  token.val[7] = static_cast<unsigned int>(numberOr(o, "pidversion", 0));
  return token;
}

FileSpec fileOf(const Napi::Value &value) {
  FileSpec file;
  if (value.IsUndefined() || value.IsNull()) return file;
  file.present = true;
  if (value.IsObject() && !value.IsBuffer()) {
    const Napi::Object o = value.As<Napi::Object>();
    file.path = bytesOf(o.Get("path"));
    file.truncated = boolOr(o, "truncated", false);
  } else {
    file.path = bytesOf(value);
  }
  return file;
}

void cdhashOf(const Napi::Value &value, uint8_t (&out)[20]) {
  if (!value.IsString()) return;
  const std::string hex = value.As<Napi::String>().Utf8Value();
  for (size_t i = 0; i < 20 && 2 * i + 1 < hex.size(); ++i) out[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
}

ProcessSpec processOf(const Napi::Env &env, const Napi::Value &value) {
  const Napi::Object o = objectOr(env, value);
  ProcessSpec p;
  p.token = tokenOf(env, o, 1);
  p.ppid = static_cast<pid_t>(numberOr(o, "ppid", 1));
  p.originalPpid = static_cast<pid_t>(numberOr(o, "originalPpid", p.ppid));
  p.groupId = static_cast<pid_t>(numberOr(o, "groupId", 0));
  p.sessionId = static_cast<pid_t>(numberOr(o, "sessionId", 0));
  p.codesigningFlags = static_cast<uint32_t>(numberOr(o, "codesigningFlags", 0));
  p.isPlatformBinary = boolOr(o, "isPlatformBinary", false);
  p.isEsClient = boolOr(o, "isEsClient", false);
  cdhashOf(o.Get("cdhash"), p.cdhash);
  p.signingId = bytesOf(o.Get("signingId"));
  p.teamId = bytesOf(o.Get("teamId"));
  p.executable = fileOf(o.Get("executable"));
  p.executable.present = true;
  p.tty = fileOf(o.Get("tty"));
  const Napi::Object start = objectOr(env, o.Get("startTime"));
  p.startTime.tv_sec = static_cast<time_t>(numberOr(start, "sec", 0));
  p.startTime.tv_usec = static_cast<suseconds_t>(numberOr(start, "usec", 0));
  p.parentToken = tokenOf(env, o.Get("parent"), p.ppid);
  p.responsibleToken = tokenOf(env, o.Get("responsible"), 0);
  return p;
}

std::vector<std::string> stringsOf(const Napi::Value &value) {
  std::vector<std::string> out;
  if (!value.IsArray()) return out;
  const Napi::Array array = value.As<Napi::Array>();
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(bytesOf(array.Get(i)));
  return out;
}

MessageSpec messageOf(const Napi::Env &env, const Napi::Value &value) {
  if (!value.IsObject()) throw Napi::TypeError::New(env, "sim: a message must be an object");
  const Napi::Object o = value.As<Napi::Object>();
  MessageSpec spec;
  const std::string type = o.Get("type").IsString() ? o.Get("type").As<Napi::String>().Utf8Value() : "";
  if (type == "exec") spec.type = ES_EVENT_TYPE_NOTIFY_EXEC;
  else if (type == "fork") spec.type = ES_EVENT_TYPE_NOTIFY_FORK;
  else if (type == "exit") spec.type = ES_EVENT_TYPE_NOTIFY_EXIT;
  else if (type == "open") spec.type = ES_EVENT_TYPE_NOTIFY_OPEN;  // a type the addon does not convert
  else throw Napi::TypeError::New(env, "sim: message type must be exec, fork, exit or open");
  const double version = numberOr(o, "version", 7);
  if (version < 1 || version > 10) throw Napi::RangeError::New(env, "sim: message version must be 1 to 10");
  spec.version = static_cast<uint32_t>(version);
  const Napi::Object time = objectOr(env, o.Get("time"));
  spec.time.tv_sec = static_cast<time_t>(numberOr(time, "sec", 1700000000));
  spec.time.tv_nsec = static_cast<long>(numberOr(time, "nsec", 0));
  if (o.Get("seqNum").IsNumber()) spec.seqNum = static_cast<uint64_t>(o.Get("seqNum").As<Napi::Number>().DoubleValue());
  if (o.Get("globalSeqNum").IsNumber()) spec.globalSeqNum = static_cast<uint64_t>(o.Get("globalSeqNum").As<Napi::Number>().DoubleValue());
  spec.seqGap = static_cast<uint64_t>(numberOr(o, "seqGap", 0));
  spec.globalSeqGap = static_cast<uint64_t>(numberOr(o, "globalSeqGap", 0));
  spec.process = processOf(env, o.Get("process"));
  spec.target = processOf(env, o.Get("target"));
  spec.child = processOf(env, o.Get("child"));
  spec.args = stringsOf(o.Get("args"));
  spec.env = stringsOf(o.Get("env"));
  spec.script = fileOf(o.Get("script"));
  spec.cwd = fileOf(o.Get("cwd"));
  spec.cwd.present = true;
  spec.exitStatus = static_cast<int>(numberOr(o, "exitStatus", 0));
  return spec;
}

Napi::Value inject(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "sim.inject(messages) takes an array");
  const Napi::Array array = info[0].As<Napi::Array>();
  std::vector<MessageSpec> specs;
  for (uint32_t i = 0; i < array.Length(); ++i) specs.push_back(messageOf(env, array.Get(i)));
  return Napi::Number::New(env, static_cast<double>(sim::injectMessages(std::move(specs))));
}

Napi::Value burst(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const Napi::Object o = objectOr(env, info[0]);
  std::vector<std::pair<MessageSpec, uint64_t>> pattern;
  if (o.Has("pattern")) {
    if (!o.Get("pattern").IsArray()) throw Napi::TypeError::New(env, "sim.burst: pattern is an array of { message, repeat }");
    const Napi::Array entries = o.Get("pattern").As<Napi::Array>();
    for (uint32_t i = 0; i < entries.Length(); ++i) {
      const Napi::Object entry = objectOr(env, entries.Get(i));
      const double repeat = numberOr(entry, "repeat", 1);
      if (!(repeat >= 1)) throw Napi::RangeError::New(env, "sim.burst: each pattern entry repeats >= 1 times");
      pattern.emplace_back(messageOf(env, entry.Get("message")), static_cast<uint64_t>(repeat));
    }
    if (pattern.empty()) throw Napi::RangeError::New(env, "sim.burst: the pattern is empty");
  } else {
    pattern.emplace_back(messageOf(env, o.Get("message")), 1);
  }
  const double count = numberOr(o, "count", 1);
  const double rate = numberOr(o, "ratePerSecond", 0);
  const bool stampNow = o.Has("stampNow") && o.Get("stampNow").ToBoolean().Value();
  if (!(count >= 1) || !(rate >= 0)) throw Napi::RangeError::New(env, "sim.burst: count >= 1 and ratePerSecond >= 0");
  return Napi::Number::New(env, static_cast<double>(sim::injectBurst(std::move(pattern), static_cast<uint64_t>(count), rate, stampNow)));
}

Napi::Value waitUntilIdle(const Napi::CallbackInfo &info) {
  const double timeout = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 10000;
  return Napi::Boolean::New(info.Env(), sim::waitUntilIdle(static_cast<uint32_t>(timeout)));
}

Napi::Object tokenObject(const Napi::Env &env, const audit_token_t &token) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", audit_token_to_pid(token));
  o.Set("pidversion", audit_token_to_pidversion(token));
  return o;
}

Napi::Value clients(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const std::vector<sim::ClientSnapshot> snapshots = sim::liveClients();
  Napi::Array out = Napi::Array::New(env, snapshots.size());
  for (uint32_t i = 0; i < snapshots.size(); ++i) {
    const sim::ClientSnapshot &s = snapshots[i];
    Napi::Object o = Napi::Object::New(env);
    Napi::Array subscriptions = Napi::Array::New(env, s.subscriptions.size());
    for (uint32_t j = 0; j < s.subscriptions.size(); ++j) subscriptions.Set(j, static_cast<double>(s.subscriptions[j]));
    Napi::Array processes = Napi::Array::New(env, s.mutedProcesses.size());
    for (uint32_t j = 0; j < s.mutedProcesses.size(); ++j) processes.Set(j, tokenObject(env, s.mutedProcesses[j]));
    Napi::Array paths = Napi::Array::New(env, s.mutedPaths.size());
    for (uint32_t j = 0; j < s.mutedPaths.size(); ++j) {
      Napi::Object path = Napi::Object::New(env);
      path.Set("path", s.mutedPaths[j].first);
      path.Set("type", static_cast<double>(s.mutedPaths[j].second));
      paths.Set(j, path);
    }
    o.Set("subscriptions", subscriptions);
    o.Set("mutedProcesses", processes);
    o.Set("mutedPaths", paths);
    o.Set("processMutingInverted", s.processMutingInverted);
    o.Set("pathMutingInverted", s.pathMutingInverted);
    o.Set("targetPathMutingInverted", s.targetPathMutingInverted);
    out.Set(i, o);
  }
  return out;
}

Napi::Value setNewClientResult(const Napi::CallbackInfo &info) {
  const double code = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  sim::setNewClientResult(static_cast<es_new_client_result_t>(static_cast<int>(code)));
  return info.Env().Undefined();
}

Napi::Value handlerTiming(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const sim::HandlerTiming timing = sim::handlerTiming();
  Napi::Object o = Napi::Object::New(env);
  o.Set("calls", static_cast<double>(timing.calls));
  o.Set("totalNs", static_cast<double>(timing.totalNs));
  o.Set("maxNs", static_cast<double>(timing.maxNs));
  return o;
}

Napi::Value deliverAfterDelete(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const double delayMs = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 20;
  sim::deliverAfterDelete(messageOf(env, info[0]), static_cast<uint32_t>(delayMs));
  return env.Undefined();
}

Napi::Value lateDeliveriesDone(const Napi::CallbackInfo &info) {
  const double timeoutMs = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 5000;
  return Napi::Boolean::New(info.Env(), sim::lateDeliveriesDone(static_cast<uint32_t>(timeoutMs)));
}

Napi::Value resetHandlerTiming(const Napi::CallbackInfo &info) {
  sim::resetHandlerTiming();
  return info.Env().Undefined();
}

sim::SimProcessEntry processEntryOf(const Napi::Env &env, const Napi::Value &value) {
  const Napi::Object o = objectOr(env, value);
  sim::SimProcessEntry entry;
  entry.pid = static_cast<pid_t>(numberOr(o, "pid", 0));
  entry.ppid = static_cast<pid_t>(numberOr(o, "ppid", 0));
  entry.pidversion = static_cast<int>(numberOr(o, "pidversion", 0));
  entry.executable = bytesOf(o.Get("executable"));
  const Napi::Object start = objectOr(env, o.Get("startTime"));
  entry.startSec = static_cast<uint64_t>(numberOr(start, "sec", 0));
  entry.startUsec = static_cast<uint64_t>(numberOr(start, "usec", 0));
  return entry;
}

Napi::Value setProcessTable(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "sim.setProcessTable(entries) takes an array");
  const Napi::Array array = info[0].As<Napi::Array>();
  std::vector<sim::SimProcessEntry> entries;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    entries.push_back(processEntryOf(env, array.Get(i)));
  }
  sim::setProcessTable(std::move(entries));
  return env.Undefined();
}

Napi::Value reuseDuringSnapshot(const Napi::CallbackInfo &info) {
  sim::reuseDuringSnapshot(processEntryOf(info.Env(), info[0]));
  return info.Env().Undefined();
}

Napi::Value failNext(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  sim::FaultPoint point;
  if (!info[0].IsString() || !sim::faultPointNamed(info[0].As<Napi::String>().Utf8Value().c_str(), point)) {
    throw Napi::TypeError::New(env, "sim.failNext(point, times): point is proc_listallpids, tsfn, thread or handler_alloc");
  }
  const double times = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1;
  if (!(times >= 0 && times <= 1e6)) throw Napi::RangeError::New(env, "sim.failNext: times is 0 to 1000000");
  sim::armFault(point, static_cast<uint32_t>(times));
  return env.Undefined();
}

Napi::Value clearFaults(const Napi::CallbackInfo &info) {
  sim::clearFaults();
  return info.Env().Undefined();
}

Napi::Value setSelf(const Napi::CallbackInfo &info) {
  sim::setSelfToken(tokenOf(info.Env(), info[0], 0));
  return info.Env().Undefined();
}

const char *levelName(os_log_type_t type) {
  switch (type) {
    case OS_LOG_TYPE_DEBUG: return "debug";
    case OS_LOG_TYPE_INFO: return "info";
    case OS_LOG_TYPE_ERROR: return "error";
    case OS_LOG_TYPE_FAULT: return "fault";
    default: return "default";
  }
}

Napi::Value logRecords(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const std::vector<sim::LogRecord> records = sim::logRecords();
  Napi::Array out = Napi::Array::New(env, records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    const sim::LogRecord &r = records[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("subsystem", r.subsystem);
    o.Set("category", r.category);
    o.Set("level", levelName(r.type));
    o.Set("format", r.format);
    o.Set("message", r.rendered);
    Napi::Array args = Napi::Array::New(env, r.arguments.size());
    for (uint32_t j = 0; j < r.arguments.size(); ++j) {
      Napi::Object arg = Napi::Object::New(env);
      arg.Set("value", r.arguments[j].value);
      arg.Set("public", r.arguments[j].isPublic);
      args.Set(j, arg);
    }
    o.Set("args", args);
    out.Set(i, o);
  }
  return out;
}

Napi::Value clearLogRecords(const Napi::CallbackInfo &info) {
  sim::clearLogRecords();
  return info.Env().Undefined();
}

}  // namespace

Napi::Object createSimulatorControls(Napi::Env env) {
  Napi::Object sim = Napi::Object::New(env);
  sim.Set("inject", Napi::Function::New<inject>(env, "inject"));
  sim.Set("burst", Napi::Function::New<burst>(env, "burst"));
  sim.Set("waitUntilIdle", Napi::Function::New<waitUntilIdle>(env, "waitUntilIdle"));
  sim.Set("clients", Napi::Function::New<clients>(env, "clients"));
  sim.Set("setNewClientResult", Napi::Function::New<setNewClientResult>(env, "setNewClientResult"));
  sim.Set("handlerTiming", Napi::Function::New<handlerTiming>(env, "handlerTiming"));
  sim.Set("resetHandlerTiming", Napi::Function::New<resetHandlerTiming>(env, "resetHandlerTiming"));
  sim.Set("deliverAfterDelete", Napi::Function::New<deliverAfterDelete>(env, "deliverAfterDelete"));
  sim.Set("lateDeliveriesDone", Napi::Function::New<lateDeliveriesDone>(env, "lateDeliveriesDone"));
  sim.Set("setProcessTable", Napi::Function::New<setProcessTable>(env, "setProcessTable"));
  sim.Set("setSelf", Napi::Function::New<setSelf>(env, "setSelf"));
  sim.Set("reuseDuringSnapshot", Napi::Function::New<reuseDuringSnapshot>(env, "reuseDuringSnapshot"));
  sim.Set("failNext", Napi::Function::New<failNext>(env, "failNext"));
  sim.Set("clearFaults", Napi::Function::New<clearFaults>(env, "clearFaults"));
  sim.Set("layout", Napi::Function::New(env, [](const Napi::CallbackInfo &info) -> Napi::Value { return simulatorLayout(info.Env()); }, "layout"));
  sim.Set("logRecords", Napi::Function::New<logRecords>(env, "logRecords"));
  sim.Set("clearLogRecords", Napi::Function::New<clearLogRecords>(env, "clearLogRecords"));
  return sim;
}

}  // namespace emondguard
