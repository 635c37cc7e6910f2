/*
 * Simulator stand-in for <libproc.h>: the calls the addon makes, with Apple's signatures. They
 * answer from the simulator's process table (see sim_control.h), which tests populate.
 */
#ifndef EMONDGUARD_SIM_LIBPROC_H
#define EMONDGUARD_SIM_LIBPROC_H

#include <mach/message.h>
#include <os/base.h>
#include <stdint.h>
#include <sys/proc_info.h>
#include <sys/types.h>

__BEGIN_DECLS
int proc_listallpids(void *buffer, int buffersize);
int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize);
int proc_pidpath(int pid, void *buffer, uint32_t buffersize);
int proc_pidpath_audittoken(audit_token_t *audittoken, void *buffer, uint32_t buffersize);
__END_DECLS

#endif
