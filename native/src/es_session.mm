#include "es_session.h"

#include "monotonic_clock.h"
#include "audit_tokens.h"

namespace emondguard {

SessionStartResult EsSession::start(const SessionOptions &options) {
  SessionStartResult result;
  if (client_ != nullptr) return result;
  if (options.emondOnly) {
    // Availability checks must be the whole condition of an `if` (clang), hence the empty branch.
    if (EG_RUNTIME_AT_LEAST_MACOS_13) {
    } else {
      result.step = SessionStartResult::Unsupported;
      return result;
    }
  }

  es_client_t *client = nullptr;
  // The block holds the gate (a copy of the shared_ptr), never `this`: see HandlerGate. Messages
  // only come once subscribed, so opening the gate here lets none through early.
  std::shared_ptr<HandlerGate> gate = std::make_shared<HandlerGate>();
  gate->session = this;
  const es_new_client_result_t created = es_new_client(&client, ^(es_client_t *, const es_message_t *msg) {
    const uint64_t entry = monotonicNowNs();
    // Uncontended except while stop() closes the gate: the handler is called serially.
    std::lock_guard<std::mutex> lock(gate->mutex);
    if (gate->session != nullptr) gate->session->onMessage(msg, entry);
  });
  if (created != ES_NEW_CLIENT_RESULT_SUCCESS) {
    result.step = SessionStartResult::NewClient;
    result.code = created;
    return result;
  }
  client_ = client;
  gate_ = std::move(gate);

  auto fail = [&](SessionStartResult::Step step, int code) {
    stop();
    result.step = step;
    result.code = code;
    return result;
  };

  if (options.muteSelf) {
    audit_token_t self_token;
    if (!currentProcessAuditToken(self_token)) return fail(SessionStartResult::MuteSelf, ES_RETURN_ERROR);
    const es_return_t muted = es_mute_process(client_, &self_token);
    if (muted != ES_RETURN_SUCCESS) return fail(SessionStartResult::MuteSelf, muted);
  }

  if (options.emondOnly) {
    if (EG_RUNTIME_AT_LEAST_MACOS_13) {
      // Inversion turns the path mute set into a selection, and the client starts with a default
      // mute set of system paths: clear it first, or those paths would be selected too.
      es_return_t rc = es_unmute_all_paths(client_);
      if (rc == ES_RETURN_SUCCESS) rc = es_invert_muting(client_, ES_MUTE_INVERSION_TYPE_PATH);
      for (const std::string &path : options.emondPaths) {
        if (rc != ES_RETURN_SUCCESS) break;
        rc = es_mute_path(client_, path.c_str(), ES_MUTE_PATH_TYPE_LITERAL);
      }
      if (rc != ES_RETURN_SUCCESS) return fail(SessionStartResult::InvertMuting, rc);
    }
  }

  const es_return_t subscribed =
      es_subscribe(client_, options.events.data(), static_cast<uint32_t>(options.events.size()));
  if (subscribed != ES_RETURN_SUCCESS) return fail(SessionStartResult::Subscribe, subscribed);
  return result;
}

void EsSession::stop() {
  if (client_ == nullptr) return;
  // Messages keep reaching the sink until the client is deleted: one the kernel hands over while
  // we unsubscribe was received, and the pipeline (closed only after this) delivers it.
  es_unsubscribe_all(client_);
  es_delete_client(client_);
  client_ = nullptr;
  {
    // Waits for a handler call that is still running, whatever es_delete_client guaranteed.
    std::lock_guard<std::mutex> lock(gate_->mutex);
    gate_->session = nullptr;
  }
  gate_.reset();
}

void EsSession::onMessage(const es_message_t *msg, uint64_t handlerEntryNs) {
  sequences_.observe(msg);
  try {
    sink_.accept(msg, handlerEntryNs);
  } catch (...) {
    // Nothing may leave the handler block: the framework calls it from C, where an exception ends
    // in std::terminate and the agent is gone. Out of memory (std::bad_alloc) is the one the sink
    // can throw; lose this message, count it, and keep serving the next.
    handlerDrops_.fetch_add(1, std::memory_order_release);
  }
}

int EsSession::probe() {
  es_client_t *client = nullptr;
  const es_new_client_result_t created = es_new_client(&client, ^(es_client_t *, const es_message_t *) {
  });
  if (created == ES_NEW_CLIENT_RESULT_SUCCESS && client != nullptr) es_delete_client(client);
  return created;
}

}  // namespace emondguard
