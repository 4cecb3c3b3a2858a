// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - the reclaim and swap tracepoints are defined here, once
 * (CREATE_TRACE_POINTS in exactly one file per trace header).
 */
#define CREATE_TRACE_POINTS
#include "swap/swap_trace.h"
