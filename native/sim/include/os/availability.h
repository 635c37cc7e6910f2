/*
 * Simulator stand-in for <os/availability.h>. Availability attributes mean nothing off Apple
 * platforms; the addon's own runtime checks go through EG_RUNTIME_AT_LEAST_MACOS (platform.h).
 */
#ifndef EMONDGUARD_SIM_OS_AVAILABILITY_H
#define EMONDGUARD_SIM_OS_AVAILABILITY_H

#define API_AVAILABLE(...)
#define API_UNAVAILABLE(...)
#define API_DEPRECATED(...)

#endif
