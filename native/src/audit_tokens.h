// Audit tokens of live processes. Platform-specific: task_info on macOS (native/darwin/), the
// simulator's process table elsewhere (native/sim/).
#pragma once

#include "platform.h"

namespace emondguard {

// This process's own token, for es_mute_process.
bool currentProcessAuditToken(audit_token_t &out);

// The token of `pid` (for its pidversion in the start-up snapshot); false when it cannot be read
// (the process is gone, or we lack the privilege).
bool auditTokenOfPid(pid_t pid, audit_token_t &out);

}  // namespace emondguard
