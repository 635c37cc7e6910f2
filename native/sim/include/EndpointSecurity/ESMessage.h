/*
 * Simulator stand-in for <EndpointSecurity/ESMessage.h> (macOS 14 SDK): the message, process,
 * file and exec/fork/exit event structs with Apple's field names, types and order, and the
 * accessors for packed exec arguments. Fields are commented with the message version that
 * introduced them; the addon gates every read on `msg->version`.
 */
#ifndef EMONDGUARD_SIM_ES_MESSAGE_H
#define EMONDGUARD_SIM_ES_MESSAGE_H

#ifndef __ENDPOINT_SECURITY_INDIRECT__
#error "Please #include <EndpointSecurity/EndpointSecurity.h> instead of this file directly."
#endif

#include <EndpointSecurity/ESTypes.h>
#include <mach/machine.h>
#include <os/availability.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

typedef struct {
	es_string_token_t path;
	bool path_truncated;
	struct stat stat;
} es_file_t;

typedef struct {
	uint64_t thread_id;
} es_thread_t;

typedef struct {
	audit_token_t audit_token;
	pid_t ppid;
	pid_t original_ppid;
	pid_t group_id;
	pid_t session_id;
	uint32_t codesigning_flags;
	bool is_platform_binary;
	bool is_es_client;
	uint8_t cdhash[20];
	es_string_token_t signing_id;
	es_string_token_t team_id;
	es_file_t *_Nonnull executable;
	es_file_t *_Nullable tty;                /* message version >= 2 */
	struct timeval start_time;               /* message version >= 3 */
	audit_token_t responsible_audit_token;   /* message version >= 4 */
	audit_token_t parent_audit_token;        /* message version >= 4 */
} es_process_t;

typedef struct {
	es_process_t *_Nonnull target;
	es_string_token_t dyld_exec_path;        /* message version >= 7 */
	union {
		uint8_t reserved[64];
		struct {
			es_file_t *_Nullable script;     /* message version >= 2 */
			es_file_t *_Nonnull cwd;         /* message version >= 3 */
			int last_fd;                     /* message version >= 4 */
			cpu_type_t image_cputype;        /* message version >= 6 */
			cpu_subtype_t image_cpusubtype;  /* message version >= 6 */
		};
	};
} es_event_exec_t;

typedef struct {
	es_process_t *_Nonnull child;
	uint8_t reserved[64];
} es_event_fork_t;

typedef struct {
	int stat;
	uint8_t reserved[64];
} es_event_exit_t;

/* File events (DESIGN.md: close, rename, unlink) and the members that give the union its size. */
typedef struct {
	bool modified;
	es_file_t *_Nonnull target;
	union {
		uint8_t reserved[64];
		struct {
			bool was_mapped_writable;        /* message version >= 6 */
		};
	};
} es_event_close_t;

typedef struct {
	es_file_t *_Nonnull source;
	es_destination_type_t destination_type;
	union {
		es_file_t *_Nonnull existing_file;
		struct {
			es_file_t *_Nonnull dir;
			es_string_token_t filename;
		} new_path;
	} destination;
	uint8_t reserved[64];
} es_event_rename_t;

typedef struct {
	es_file_t *_Nonnull target;
	es_file_t *_Nonnull parent_dir;
	uint8_t reserved[64];
} es_event_unlink_t;

typedef struct {
	es_file_t *_Nonnull target;
	struct timespec atime;
	struct timespec mtime;
	uint8_t reserved[64];
} es_event_utimes_t;

typedef struct {
	es_file_t *_Nonnull source;
	es_file_t *_Nullable target_file;
	es_file_t *_Nonnull target_dir;
	es_string_token_t target_name;
	mode_t mode;
	int32_t flags;
	uint8_t reserved[56];
} es_event_copyfile_t;

/*
 * Apple's union has a member per event type (events added since macOS 13 are pointers). Declared
 * here: the ones the addon reads and the largest ones (copyfile, rename, utimes: 104 bytes on
 * LP64), so the union has Apple's size and `thread` and `global_seq_num` after it sit at Apple's
 * offsets in es_message_t (native/sim/apple_layout.json; test/native/sim-layout.test.ts).
 */
typedef union {
	es_event_close_t close;
	es_event_copyfile_t copyfile;
	es_event_exec_t exec;
	es_event_exit_t exit;
	es_event_fork_t fork;
	es_event_rename_t rename;
	es_event_unlink_t unlink;
	es_event_utimes_t utimes;
} es_events_t;

typedef struct {
	es_result_type_t result_type;
	union {
		es_auth_result_t auth;
		uint32_t flags;
		uint8_t reserved[32];
	} result;
} es_result_t;

typedef struct {
	uint32_t version;
	struct timespec time;
	uint64_t mach_time;
	uint64_t deadline;
	es_process_t *_Nonnull process;
	uint64_t seq_num;                        /* message version >= 2 */
	es_action_type_t action_type;
	union {
		es_event_id_t auth;
		es_result_t notify;
	} action;
	es_event_type_t event_type;
	es_events_t event;
	es_thread_t *_Nullable thread;           /* message version >= 4 */
	uint64_t global_seq_num;                 /* message version >= 4 */
	uint64_t opaque[];                       /* must not be accessed directly */
} es_message_t;

__BEGIN_DECLS
OS_EXPORT void es_retain_message(const es_message_t *_Nonnull msg);
OS_EXPORT void es_release_message(const es_message_t *_Nonnull msg);
OS_EXPORT uint32_t es_exec_arg_count(const es_event_exec_t *_Nonnull event);
OS_EXPORT uint32_t es_exec_env_count(const es_event_exec_t *_Nonnull event);
OS_EXPORT es_string_token_t es_exec_arg(const es_event_exec_t *_Nonnull event, uint32_t index);
OS_EXPORT es_string_token_t es_exec_env(const es_event_exec_t *_Nonnull event, uint32_t index);
__END_DECLS

#endif
