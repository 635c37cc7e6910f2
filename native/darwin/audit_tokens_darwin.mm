// macOS: audit tokens through Mach task ports. Reading another process's token needs root, which
// the agent has; without it the snapshot simply omits pidversion.
#include "../src/audit_tokens.h"

#include <mach/mach.h>

namespace emondguard {

bool currentProcessAuditToken(audit_token_t &out) {
  mach_msg_type_number_t size = TASK_AUDIT_TOKEN_COUNT;
  return task_info(mach_task_self(), TASK_AUDIT_TOKEN, reinterpret_cast<task_info_t>(&out), &size) == KERN_SUCCESS;
}

bool auditTokenOfPid(pid_t pid, audit_token_t &out) {
  mach_port_t task = MACH_PORT_NULL;
  if (task_name_for_pid(mach_task_self(), pid, &task) != KERN_SUCCESS) return false;
  mach_msg_type_number_t size = TASK_AUDIT_TOKEN_COUNT;
  const kern_return_t rc = task_info(task, TASK_AUDIT_TOKEN, reinterpret_cast<task_info_t>(&out), &size);
  mach_port_deallocate(mach_task_self(), task);
  return rc == KERN_SUCCESS;
}

}  // namespace emondguard
