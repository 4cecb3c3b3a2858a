// SPDX-License-Identifier: GPL-2.0
/*
 * oom_trace.c - the OOM killer's tracepoint is defined here, once
 * (CREATE_TRACE_POINTS in exactly one file per trace header).
 */
#define CREATE_TRACE_POINTS
#include "swap/oom_trace.h"
