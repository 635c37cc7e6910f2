/*
 * Simulator stand-in for <EndpointSecurity/EndpointSecurity.h> (macOS 14 SDK). Declares, with
 * Apple's names, field types, enum values and signatures, the part of the framework the addon
 * touches, so the addon's sources compile unchanged against either. Written from Apple's public
 * documentation and headers; behaviour lives in native/sim/es_sim_*.cpp.
 */
#ifndef EMONDGUARD_SIM_ENDPOINT_SECURITY_H
#define EMONDGUARD_SIM_ENDPOINT_SECURITY_H

#define __ENDPOINT_SECURITY_INDIRECT__
#include <EndpointSecurity/ESTypes.h>
#include <EndpointSecurity/ESMessage.h>
#include <EndpointSecurity/ESClient.h>
#undef __ENDPOINT_SECURITY_INDIRECT__

#endif
