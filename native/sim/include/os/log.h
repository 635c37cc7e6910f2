/*
 * Simulator stand-in for <os/log.h>. os_log_with_type() is a macro on macOS that requires a
 * literal format string; here it forwards to a recorder that renders what `log show` would
 * display (public arguments in clear, everything else as <private>) into a ring buffer that
 * tests read back (sim_control.h).
 */
#ifndef EMONDGUARD_SIM_OS_LOG_H
#define EMONDGUARD_SIM_OS_LOG_H

#include <os/base.h>
#include <stdint.h>

typedef struct os_log_s *os_log_t;

typedef uint8_t os_log_type_t;
enum {
	OS_LOG_TYPE_DEFAULT = 0x00,
	OS_LOG_TYPE_INFO = 0x01,
	OS_LOG_TYPE_DEBUG = 0x02,
	OS_LOG_TYPE_ERROR = 0x10,
	OS_LOG_TYPE_FAULT = 0x11,
};

__BEGIN_DECLS
os_log_t os_log_create(const char *subsystem, const char *category);
/* Checked as Apple's is: clang's os_log format kind knows %{public}s / %{private}s and reports an
   argument that does not match its conversion (-Wformat, an error in this build). */
void emondguard_sim_os_log_record(os_log_t log, os_log_type_t type, const char *format, ...)
	__attribute__((__format__(__os_log__, 3, 4)));
__END_DECLS

#ifdef __cplusplus
#define EMONDGUARD_SIM_STATIC_ASSERT static_assert
#else
#define EMONDGUARD_SIM_STATIC_ASSERT _Static_assert
#endif

/* Apple's shape: a statement expression whose format must be a string literal ("" format ""
   does not compile otherwise, and the assertion says why), then the formatted call. */
#define os_log_with_type(log, type, format, ...) __extension__({ \
	EMONDGUARD_SIM_STATIC_ASSERT(__builtin_constant_p(format), "format/label/description argument must be a string constant"); \
	emondguard_sim_os_log_record((log), (type), "" format "", ##__VA_ARGS__); \
})

#endif
