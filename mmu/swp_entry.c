// SPDX-License-Identifier: GPL-2.0
/*
 * swp_entry.c - a swap entry (type, offset) as a non-present x86-64 PTE
 * (arch/x86/include/asm/pgtable_64.h __swp_entry(), arch/x86/mm/init.c
 * max_swapfile_size()).
 */

/**
 * DOC: swap entry layout
 *
 * A swapped-out page leaves its (type, offset) in the PTE, laid out as the
 * x86-64 kernel lays it out::
 *
 *   63      59 58                                      9 8 7        1 0
 *   [  type  ][        ~offset (inverted, 50 bits)      ][0][0 ...  0][0]
 *
 * Bit 0 (Present) and bit 8 (_PAGE_PROTNONE, the global bit of a present
 * entry) are always clear, so neither the MMU nor pte_present() sees a
 * mapping, and every PTE reader can tell a swap entry from PROT_NONE.
 * Bits 1-7 are left zero (6.1 uses bit 1 for _PAGE_SWP_EXCLUSIVE and bit
 * 7 for soft-dirty; vmlab has neither yet).
 *
 * The offset is stored inverted because of L1TF (L1 Terminal Fault): a CPU
 * may speculatively use the PFN bits (12-51) of a non-present entry to read
 * the L1 cache. With the offset inverted, a small offset gives PFN bits that
 * are nearly all ones: an address above any RAM. That holds only while the
 * offset stays below vml_max_swap_offset(), which vmlab applies whether or
 * not the CPU is affected (the kernel applies it only on affected CPUs), so
 * the property can be tested everywhere.
 */
#include "mmu/mmu-internal.h"

#define VML_SWP_OFFSET_FIRST_BIT	(_PAGE_BIT_PROTNONE + 1)
#define VML_SWP_OFFSET_SHIFT	(VML_SWP_OFFSET_FIRST_BIT + VML_SWP_TYPE_BITS)

pte_t vml_swp_entry_to_pte(struct vml_swp_entry entry)
{
	unsigned long type = vml_swp_type(entry);
	unsigned long offset = vml_swp_offset(entry);

	return __pte((~offset << VML_SWP_OFFSET_SHIFT >> VML_SWP_TYPE_BITS) |
		     (type << (BITS_PER_LONG - VML_SWP_TYPE_BITS)));
}

struct vml_swp_entry vml_pte_to_swp_entry(pte_t pte)
{
	unsigned long v = pte_val(pte);

	return vml_swp_entry(v >> (BITS_PER_LONG - VML_SWP_TYPE_BITS),
			     ~v << VML_SWP_TYPE_BITS >> VML_SWP_OFFSET_SHIFT);
}

/*
 * The largest offset that survives the PTE layout (the kernel's
 * generic_max_swapfile_size() finds it by the same round trip), cut so that
 * the inverted PFN bits stay above half the cacheable physical address space
 * (l1tf_pfn_limit()); the 3 offset bits below bit 12 raise that by 8.
 */
unsigned long vml_max_swap_offset(void)
{
	struct vml_swp_entry e = vml_swp_entry(0, ~0UL);
	unsigned long max, l1tf;

	max = vml_swp_offset(vml_pte_to_swp_entry(vml_swp_entry_to_pte(e)));
	l1tf = l1tf_pfn_limit() << (PAGE_SHIFT - VML_SWP_OFFSET_FIRST_BIT);
	return min(max, l1tf - 1);
}
