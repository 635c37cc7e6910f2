/*
 * Simulator stand-in for <EndpointSecurity/ESClient.h> (macOS 14 SDK): client life cycle,
 * subscriptions, process and path muting, and mute inversion (macOS 13+), with Apple's
 * signatures. The handler block runs serially on a simulator thread, as on macOS.
 */
#ifndef EMONDGUARD_SIM_ES_CLIENT_H
#define EMONDGUARD_SIM_ES_CLIENT_H

#ifndef __ENDPOINT_SECURITY_INDIRECT__
#error "Please #include <EndpointSecurity/EndpointSecurity.h> instead of this file directly."
#endif

#include <EndpointSecurity/ESMessage.h>
#include <EndpointSecurity/ESTypes.h>
#include <os/availability.h>
#include <os/base.h>

struct es_client_s;
typedef struct es_client_s es_client_t;

typedef void (^es_handler_block_t)(es_client_t *_Nonnull, const es_message_t *_Nonnull);

__BEGIN_DECLS
OS_EXPORT es_return_t es_subscribe(es_client_t *_Nonnull client, const es_event_type_t *_Nonnull events, uint32_t event_count);
OS_EXPORT es_return_t es_unsubscribe(es_client_t *_Nonnull client, const es_event_type_t *_Nonnull events, uint32_t event_count);
OS_EXPORT es_return_t es_unsubscribe_all(es_client_t *_Nonnull client);
OS_EXPORT es_return_t es_subscriptions(es_client_t *_Nonnull client, size_t *_Nonnull count,
		es_event_type_t *_Nonnull *_Nullable subscriptions);
OS_EXPORT es_return_t es_mute_process(es_client_t *_Nonnull client, const audit_token_t *_Nonnull audit_token);
OS_EXPORT es_return_t es_unmute_process(es_client_t *_Nonnull client, const audit_token_t *_Nonnull audit_token);
OS_EXPORT es_return_t es_mute_path(es_client_t *_Nonnull client, const char *_Nonnull path, es_mute_path_type_t type);
OS_EXPORT es_return_t es_unmute_all_paths(es_client_t *_Nonnull client);
OS_EXPORT es_return_t es_unmute_all_target_paths(es_client_t *_Nonnull client);
OS_EXPORT es_return_t es_invert_muting(es_client_t *_Nonnull client, es_mute_inversion_type_t mute_type);
OS_EXPORT es_mute_inverted_return_t es_muting_inverted(es_client_t *_Nonnull client, es_mute_inversion_type_t mute_type);
OS_EXPORT es_new_client_result_t es_new_client(es_client_t *_Nullable *_Nonnull client, es_handler_block_t _Nonnull handler);
OS_EXPORT es_return_t es_delete_client(es_client_t *_Nullable client);
__END_DECLS

#endif
