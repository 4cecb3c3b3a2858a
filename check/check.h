/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The check command
 *
 * check.h - ctl `check`, the invariant checker's command.
 *
 * The checker itself is the layers' check functions run in layer order
 * by vmlab_core_check() over the ledger of arena/check.h; this folder
 * only parses the command and prints the result (Documentation/check.rst).
 */
#ifndef VMLAB_CHECK_H
#define VMLAB_CHECK_H

#define VML_CHECK_DEFAULT_LINES	20	/* violations printed by default */

/** vml_check_debugfs_init() - register the `check` command. */
void vml_check_debugfs_init(void);

/** vml_check_debugfs_exit() - unregister it. */
void vml_check_debugfs_exit(void);

#endif /* VMLAB_CHECK_H */
