/*
 * Simulator stand-in for <mach/message.h>: only the audit token, which the Endpoint Security
 * and libbsm declarations use. Layout as on macOS: eight 32-bit words
 * [auid, euid, egid, ruid, rgid, pid, asid, pidversion], read through libbsm's accessors.
 */
#ifndef EMONDGUARD_SIM_MACH_MESSAGE_H
#define EMONDGUARD_SIM_MACH_MESSAGE_H

typedef struct {
	unsigned int val[8];
} audit_token_t;

#endif
