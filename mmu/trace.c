// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - the CR3 window's and the TLB's tracepoints are defined here,
 * once (CREATE_TRACE_POINTS in exactly one file per trace header).
 */
#define CREATE_TRACE_POINTS
#include "mmu/mmu_trace.h"
