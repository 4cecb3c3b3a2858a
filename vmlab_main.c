// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init vmlab_init(void) { return 0; }
static void __exit vmlab_exit(void) { }
module_init(vmlab_init);
module_exit(vmlab_exit);
MODULE_LICENSE("GPL");
