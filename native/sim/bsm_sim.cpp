// libbsm's audit-token accessors: the token is [auid, euid, egid, ruid, rgid, pid, asid, pidversion].
#include "platform.h"

extern "C" {
uid_t audit_token_to_auid(audit_token_t atoken) { return atoken.val[0]; }
uid_t audit_token_to_euid(audit_token_t atoken) { return atoken.val[1]; }
gid_t audit_token_to_egid(audit_token_t atoken) { return atoken.val[2]; }
uid_t audit_token_to_ruid(audit_token_t atoken) { return atoken.val[3]; }
gid_t audit_token_to_rgid(audit_token_t atoken) { return atoken.val[4]; }
pid_t audit_token_to_pid(audit_token_t atoken) { return static_cast<pid_t>(atoken.val[5]); }
au_asid_t audit_token_to_asid(audit_token_t atoken) { return static_cast<au_asid_t>(atoken.val[6]); }
int audit_token_to_pidversion(audit_token_t atoken) { return static_cast<int>(atoken.val[7]); }
}
