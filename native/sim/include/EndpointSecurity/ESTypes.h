/*
 * Simulator stand-in for <EndpointSecurity/ESTypes.h> (macOS 14 SDK): the types the addon uses.
 * es_event_type_t lists the members up to ES_EVENT_TYPE_NOTIFY_EXIT with the values Apple's
 * enum gives them by position; later members are not used by the addon and are left out.
 */
#ifndef EMONDGUARD_SIM_ES_TYPES_H
#define EMONDGUARD_SIM_ES_TYPES_H

#include <mach/message.h>
#include <os/base.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
	uint8_t reserved[32];
} es_event_id_t;

typedef enum {
	ES_ACTION_TYPE_AUTH,
	ES_ACTION_TYPE_NOTIFY
} es_action_type_t;

typedef enum {
	ES_EVENT_TYPE_AUTH_EXEC = 0,
	ES_EVENT_TYPE_AUTH_OPEN = 1,
	ES_EVENT_TYPE_AUTH_KEXTLOAD = 2,
	ES_EVENT_TYPE_AUTH_MMAP = 3,
	ES_EVENT_TYPE_AUTH_MPROTECT = 4,
	ES_EVENT_TYPE_AUTH_MOUNT = 5,
	ES_EVENT_TYPE_AUTH_RENAME = 6,
	ES_EVENT_TYPE_AUTH_SIGNAL = 7,
	ES_EVENT_TYPE_AUTH_UNLINK = 8,
	ES_EVENT_TYPE_NOTIFY_EXEC = 9,
	ES_EVENT_TYPE_NOTIFY_OPEN = 10,
	ES_EVENT_TYPE_NOTIFY_FORK = 11,
	ES_EVENT_TYPE_NOTIFY_CLOSE = 12,
	ES_EVENT_TYPE_NOTIFY_CREATE = 13,
	ES_EVENT_TYPE_NOTIFY_EXCHANGEDATA = 14,
	ES_EVENT_TYPE_NOTIFY_EXIT = 15
} es_event_type_t;

typedef enum {
	ES_AUTH_RESULT_ALLOW,
	ES_AUTH_RESULT_DENY
} es_auth_result_t;

typedef enum {
	ES_RESULT_TYPE_AUTH,
	ES_RESULT_TYPE_FLAGS
} es_result_type_t;

typedef enum {
	ES_RETURN_SUCCESS,
	ES_RETURN_ERROR
} es_return_t;

typedef enum {
	ES_NEW_CLIENT_RESULT_SUCCESS,
	ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT,
	ES_NEW_CLIENT_RESULT_ERR_INTERNAL,
	ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED,
	ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED,
	ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED,
	ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS
} es_new_client_result_t;

typedef struct {
	size_t size;
	const uint8_t *data;
} es_token_t;

/* Not NUL-terminated in general: always read `length` bytes. */
typedef struct {
	size_t length;
	const char *data;
} es_string_token_t;

typedef enum {
	ES_MUTE_PATH_TYPE_PREFIX,
	ES_MUTE_PATH_TYPE_LITERAL,
	ES_MUTE_PATH_TYPE_TARGET_PREFIX,
	ES_MUTE_PATH_TYPE_TARGET_LITERAL
} es_mute_path_type_t;

typedef enum {
	ES_MUTE_INVERSION_TYPE_PROCESS,
	ES_MUTE_INVERSION_TYPE_PATH,
	ES_MUTE_INVERSION_TYPE_TARGET_PATH,
	ES_MUTE_INVERSION_TYPE_LAST
} es_mute_inversion_type_t;

typedef enum {
	ES_MUTE_INVERTED,
	ES_MUTE_NOT_INVERTED,
	ES_MUTE_INVERTED_ERROR
} es_mute_inverted_return_t;

#endif
