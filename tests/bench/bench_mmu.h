/* SPDX-License-Identifier: GPL-2.0 */
/* bench_mmu.h - the CR3 window rows (tests/bench/bench_mmu.c). */
#ifndef VMLAB_BENCH_MMU_H
#define VMLAB_BENCH_MMU_H

#include "bench.h"

extern const struct vml_bench vml_bench_window_roundtrip;
extern const struct vml_bench vml_bench_window_reload;
extern const struct vml_bench vml_bench_window_read4k;
extern const struct vml_bench vml_bench_window_batch4k;

#endif /* VMLAB_BENCH_MMU_H */
