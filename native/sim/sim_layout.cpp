// What the simulator's declarations measure: sizeof, offsetof and constants, reported to the test
// that compares them with Apple's (native/sim/apple_layout.json). Simulator builds only.
#include "sim_layout.h"

#include <cstddef>

#include "platform.h"

namespace emondguard {

Napi::Object simulatorLayout(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Object sizes = Napi::Object::New(env);
  Napi::Object offsets = Napi::Object::New(env);
  Napi::Object constants = Napi::Object::New(env);
  auto num = [&](size_t value) { return Napi::Number::New(env, static_cast<double>(value)); };
#define EG_SIZE(type) sizes.Set(#type, num(sizeof(type)))
#define EG_OFFSET(type, field) offsets.Set(#type "." #field, num(offsetof(type, field)))
#define EG_CONSTANT(name) constants.Set(#name, num(static_cast<size_t>(name)))
  EG_SIZE(audit_token_t);
  EG_SIZE(es_string_token_t);
  EG_SIZE(es_token_t);
  EG_SIZE(es_thread_t);
  EG_SIZE(es_process_t);
  EG_SIZE(es_event_exec_t);
  EG_SIZE(es_event_fork_t);
  EG_SIZE(es_event_exit_t);
  EG_SIZE(es_event_close_t);
  EG_SIZE(es_event_rename_t);
  EG_SIZE(es_event_unlink_t);
  EG_SIZE(es_event_utimes_t);
  EG_SIZE(es_event_copyfile_t);
  EG_SIZE(es_events_t);
  EG_SIZE(es_result_t);
  EG_SIZE(es_message_t);
  EG_SIZE(struct proc_bsdinfo);

  EG_OFFSET(es_file_t, path);
  EG_OFFSET(es_file_t, path_truncated);
  EG_OFFSET(es_file_t, stat);
  EG_OFFSET(es_process_t, audit_token);
  EG_OFFSET(es_process_t, ppid);
  EG_OFFSET(es_process_t, original_ppid);
  EG_OFFSET(es_process_t, group_id);
  EG_OFFSET(es_process_t, session_id);
  EG_OFFSET(es_process_t, codesigning_flags);
  EG_OFFSET(es_process_t, is_platform_binary);
  EG_OFFSET(es_process_t, is_es_client);
  EG_OFFSET(es_process_t, cdhash);
  EG_OFFSET(es_process_t, signing_id);
  EG_OFFSET(es_process_t, team_id);
  EG_OFFSET(es_process_t, executable);
  EG_OFFSET(es_process_t, tty);
  EG_OFFSET(es_process_t, start_time);
  EG_OFFSET(es_process_t, responsible_audit_token);
  EG_OFFSET(es_process_t, parent_audit_token);
  EG_OFFSET(es_event_exec_t, target);
  EG_OFFSET(es_event_exec_t, dyld_exec_path);
  EG_OFFSET(es_event_exec_t, script);
  EG_OFFSET(es_event_exec_t, cwd);
  EG_OFFSET(es_event_exec_t, last_fd);
  EG_OFFSET(es_event_exec_t, image_cputype);
  EG_OFFSET(es_event_exec_t, image_cpusubtype);
  EG_OFFSET(es_event_close_t, target);
  EG_OFFSET(es_event_close_t, was_mapped_writable);
  EG_OFFSET(es_event_rename_t, destination);
  EG_OFFSET(es_message_t, version);
  EG_OFFSET(es_message_t, time);
  EG_OFFSET(es_message_t, mach_time);
  EG_OFFSET(es_message_t, deadline);
  EG_OFFSET(es_message_t, process);
  EG_OFFSET(es_message_t, seq_num);
  EG_OFFSET(es_message_t, action_type);
  EG_OFFSET(es_message_t, action);
  EG_OFFSET(es_message_t, event_type);
  EG_OFFSET(es_message_t, event);
  EG_OFFSET(es_message_t, thread);
  EG_OFFSET(es_message_t, global_seq_num);
  EG_OFFSET(struct proc_bsdinfo, pbi_ppid);
  EG_OFFSET(struct proc_bsdinfo, pbi_comm);
  EG_OFFSET(struct proc_bsdinfo, pbi_start_tvsec);

  EG_CONSTANT(MAXPATHLEN);
  EG_CONSTANT(MAXCOMLEN);
  EG_CONSTANT(PROC_PIDPATHINFO_SIZE);
  EG_CONSTANT(PROC_PIDPATHINFO_MAXSIZE);
  EG_CONSTANT(PROC_PIDTBSDINFO);
  EG_CONSTANT(PROC_PIDTBSDINFO_SIZE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_EXEC);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_OPEN);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_FORK);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_CLOSE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_CREATE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_EXIT);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_RENAME);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_UNLINK);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_WRITE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_SETTIME);
  EG_CONSTANT(ES_EVENT_TYPE_AUTH_EXCHANGEDATA);
  EG_CONSTANT(ES_EVENT_TYPE_AUTH_COPYFILE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_XPC_CONNECT);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE);
  EG_CONSTANT(ES_EVENT_TYPE_NOTIFY_TCC_MODIFY);
  EG_CONSTANT(ES_EVENT_TYPE_LAST);
  EG_CONSTANT(ES_MUTE_PATH_TYPE_LITERAL);
  EG_CONSTANT(ES_MUTE_PATH_TYPE_TARGET_LITERAL);
  EG_CONSTANT(ES_MUTE_INVERSION_TYPE_TARGET_PATH);
  EG_CONSTANT(ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED);
#undef EG_SIZE
#undef EG_OFFSET
#undef EG_CONSTANT
  out.Set("sizeof", sizes);
  out.Set("offsetof", offsets);
  out.Set("constants", constants);
  return out;
}

}  // namespace emondguard
