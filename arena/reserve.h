/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Obtaining the arena
 *
 * reserve.h - private to arena/: obtaining and releasing the arena.
 */
#ifndef VMLAB_ARENA_RESERVE_H
#define VMLAB_ARENA_RESERVE_H

#include "arena/arena.h"

int vml_reserve(const struct vml_arena_config *cfg);
void vml_unreserve(void);

#endif /* VMLAB_ARENA_RESERVE_H */
