/* Simulator stand-in for <mach/machine.h>: the CPU type names es_event_exec_t uses. */
#ifndef EMONDGUARD_SIM_MACH_MACHINE_H
#define EMONDGUARD_SIM_MACH_MACHINE_H

typedef int integer_t;
typedef integer_t cpu_type_t;
typedef integer_t cpu_subtype_t;

#endif
