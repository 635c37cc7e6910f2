/*
 * Simulator stand-in for <bsm/libbsm.h>: the audit-token accessors (macOS 10.7+), same names,
 * argument and return types as Apple's declarations.
 */
#ifndef EMONDGUARD_SIM_BSM_LIBBSM_H
#define EMONDGUARD_SIM_BSM_LIBBSM_H

#include <mach/message.h>
#include <os/base.h>
#include <sys/types.h>

typedef pid_t au_asid_t;

__BEGIN_DECLS
uid_t audit_token_to_auid(audit_token_t atoken);
uid_t audit_token_to_euid(audit_token_t atoken);
gid_t audit_token_to_egid(audit_token_t atoken);
uid_t audit_token_to_ruid(audit_token_t atoken);
gid_t audit_token_to_rgid(audit_token_t atoken);
pid_t audit_token_to_pid(audit_token_t atoken);
au_asid_t audit_token_to_asid(audit_token_t atoken);
int audit_token_to_pidversion(audit_token_t atoken);
__END_DECLS

#endif
