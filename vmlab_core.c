// SPDX-License-Identifier: GPL-2.0
/* placeholder, replaced by the core start/stop */
