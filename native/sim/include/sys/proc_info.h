/*
 * Simulator stand-in for <sys/proc_info.h>: the flavours and the BSD info struct the process
 * snapshot reads through proc_pidinfo(). Field names, types and order as in Apple's header.
 */
#ifndef EMONDGUARD_SIM_SYS_PROC_INFO_H
#define EMONDGUARD_SIM_SYS_PROC_INFO_H

#include <stdint.h>
#include <sys/param.h>
#include <sys/types.h>

#ifndef MAXCOMLEN
#define MAXCOMLEN 16
#endif

/* Darwin's MAXPATHLEN is 1024 (Linux's <sys/param.h> says 4096): PROC_PIDPATHINFO_SIZE and
   PROC_PIDPATHINFO_MAXSIZE below, and every buffer sized from them, must be what they are on a Mac. */
#undef MAXPATHLEN
#define MAXPATHLEN 1024

#define PROC_ALL_PIDS 1

struct proc_bsdinfo {
	uint32_t pbi_flags;
	uint32_t pbi_status;
	uint32_t pbi_xstatus;
	uint32_t pbi_pid;
	uint32_t pbi_ppid;
	uid_t pbi_uid;
	gid_t pbi_gid;
	uid_t pbi_ruid;
	gid_t pbi_rgid;
	uid_t pbi_svuid;
	gid_t pbi_svgid;
	uint32_t rfu_1;
	char pbi_comm[MAXCOMLEN];
	char pbi_name[2 * MAXCOMLEN];
	uint32_t pbi_nfiles;
	uint32_t pbi_pgid;
	uint32_t pbi_pjobc;
	uint32_t e_tdev;
	uint32_t e_tpgid;
	int32_t pbi_nice;
	uint64_t pbi_start_tvsec;
	uint64_t pbi_start_tvusec;
};

#define PROC_PIDTBSDINFO 3
#define PROC_PIDTBSDINFO_SIZE (sizeof(struct proc_bsdinfo))

#define PROC_PIDPATHINFO_SIZE (MAXPATHLEN)
#define PROC_PIDPATHINFO_MAXSIZE (4 * MAXPATHLEN)

#endif
