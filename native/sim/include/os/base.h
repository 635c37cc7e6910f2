/* Simulator stand-in for <os/base.h>: the export and declaration-block macros Apple's headers use. */
#ifndef EMONDGUARD_SIM_OS_BASE_H
#define EMONDGUARD_SIM_OS_BASE_H

#define OS_EXPORT extern __attribute__((visibility("default")))

#ifndef __BEGIN_DECLS
#ifdef __cplusplus
#define __BEGIN_DECLS extern "C" {
#define __END_DECLS }
#else
#define __BEGIN_DECLS
#define __END_DECLS
#endif
#endif

#endif
