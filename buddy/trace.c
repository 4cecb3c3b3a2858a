// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - the page allocator's tracepoints are defined here, once
 * (CREATE_TRACE_POINTS in exactly one file per trace header).
 */
#define CREATE_TRACE_POINTS
#include "buddy/buddy_trace.h"
