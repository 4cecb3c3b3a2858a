// SPDX-License-Identifier: GPL-2.0
/*
 * pte.c - making and changing leaf entries (Gorman 4.4-4.5;
 * arch/x86/include/asm/pgtable.h ptep_get_and_clear(),
 * ptep_test_and_clear_young(), ptep_set_wrprotect()).
 *
 * Every present or PROT_NONE entry vmlab writes goes through
 * pte_sanitize(): it must map an arena frame, and a present one must not
 * be global (the sandbox's translations are
 * flushed when a window ends; a global one would survive it), must keep
 * protection key 0 (supervisor accesses to user pages obey PKRU), and may
 * only carry bits the CPU supports (__supported_pte_mask): a reserved bit
 * would make the #PF a reserved-bit fault, which the kernel's fault
 * handler treats as page-table corruption (pgtable_bad()) and oopses.
 *
 * Entries change with atomic exchanges where the MMU may be setting
 * Accessed or Dirty at the same moment, so those bits are never lost.
 */
#include "mmu/mmu-internal.h"

/**
 * DOC: reading a PTE
 *
 * A leaf entry is in one of four states (vml_pte_state()), and every
 * layer reads entries through these helpers only, never through
 * _PAGE_PRESENT or pte_present() alone:
 *
 *  - none: nothing (pte_none(): stray A/D bits count as none);
 *  - present: _PAGE_PRESENT; the MMU walks it;
 *  - PROT_NONE: _PAGE_PROTNONE without _PAGE_PRESENT (pte_protnone()).
 *    The MMU faults every access, but the entry still maps its frame and
 *    holds the reference, mapcount and rss that go with it, and
 *    mprotect() makes it present again with the same frame;
 *  - swap: any other value; it maps no frame (the swap layer owns the
 *    encoding; x86 never sets bit 0 or 8 in one).
 *
 * pte_present() is true for both present and PROT_NONE, while the old
 * "does it map a frame" test looked at _PAGE_PRESENT only: fork then
 * copied PROT_NONE entries without a reference, and msync dereferenced
 * NULL. vml_pte_page() and vml_normal_page() (vm_normal_page()) give the
 * frame of the two states that have one, and only ever an arena frame:
 * pte_sanitize() checks the PFN of PROT_NONE entries too, since
 * mprotect() turns them back into present ones.
 */

pgprot_t vml_pgprot(bool write, bool exec, bool user)
{
	pteval_t v = _PAGE_PRESENT;

	if (write)
		v |= _PAGE_RW;
	if (user)
		v |= _PAGE_USER;
	if (!exec)
		v |= _PAGE_NX;
	return __pgprot(v & __supported_pte_mask);
}

pte_t vml_mk_pte(struct vml_page *page, pgprot_t prot)
{
	return pfn_pte(vml_page_to_pfn(page), prot);
}

enum vml_pte_kind vml_pte_state(pte_t pte)
{
	if (pte_none(pte))
		return VML_PTE_NONE;
	if (pte_flags(pte) & _PAGE_PRESENT)
		return VML_PTE_PRESENT;
	if (pte_flags(pte) & _PAGE_PROTNONE)
		return VML_PTE_PROTNONE;
	return VML_PTE_SWAP;
}

struct vml_page *vml_pte_page(pte_t pte)
{
	enum vml_pte_kind state = vml_pte_state(pte);

	/* pte_sanitize() lets no other frame in; the checker reports one. */
	if ((state != VML_PTE_PRESENT && state != VML_PTE_PROTNONE) ||
	    !vml_pfn_valid(pte_pfn(pte)))
		return NULL;
	return vml_pfn_to_page(pte_pfn(pte));
}

struct vml_page *vml_normal_page(pte_t pte)
{
	struct vml_page *page = vml_pte_page(pte);

	return page && !vml_page_test(page, VML_PG_zero) ? page : NULL;
}

/*
 * Make @pte safe to give the MMU; false when it must be refused (a present
 * entry for a frame outside the arena would hand the sandbox host memory).
 */
static bool pte_sanitize(pte_t *pte)
{
	enum vml_pte_kind state = vml_pte_state(*pte);
	pteval_t v = pte_val(*pte);

	if (state == VML_PTE_NONE || state == VML_PTE_SWAP)
		return true;	/* maps no frame */
	if (!vml_pfn_valid(pte_pfn(*pte))) {
		pr_err("vmlab: refusing a PTE for pfn %#lx outside the arena\n",
		       pte_pfn(*pte));
		return false;
	}
	if (state == VML_PTE_PROTNONE)
		return true;	/* not walked; _PAGE_PROTNONE is _PAGE_GLOBAL */
	v &= ~(_PAGE_GLOBAL | _PAGE_PKEY_MASK);
	v &= __supported_pte_mask | PTE_PFN_MASK;
	*pte = __pte(v);
	return true;
}

void vml_set_pte(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		 pte_t pte)
{
	pteval_t old;

	if (!pte_sanitize(&pte))
		return;
	old = xchg(&ptep->pte, pte_val(pte));
	if (old & _PAGE_PRESENT)
		vml_flush_tlb_page(pt, addr);
}

void vml_ptep_set_access_flags(struct vml_pgtable *pt, unsigned long addr,
			       pte_t *ptep, pte_t pte)
{
	if (WARN_ON_ONCE(pte_pfn(*ptep) != pte_pfn(pte)) || !pte_sanitize(&pte))
		return;
	xchg(&ptep->pte, pte_val(pte));
}

/*
 * Inside a window: the xchg is a full barrier, so the read of pt->cpus
 * comes after the new entry is visible; a CPU whose bit is not set yet
 * loads CR3 after that and can only walk the new entry (window_enter()).
 */
bool vml_window_replace_pte(struct vml_pgtable *pt, unsigned long addr,
			    pte_t *ptep, pte_t pte)
{
	if (WARN_ON_ONCE(!pte_sanitize(&pte)))
		pte = __pte(0);
	xchg(&ptep->pte, pte_val(pte));
	asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
	return cpumask_weight(&pt->cpus) == 1;
}

pte_t vml_ptep_get_and_clear(struct vml_pgtable *pt, unsigned long addr,
			     pte_t *ptep)
{
	pte_t old = __pte(xchg(&ptep->pte, 0));

	if (pte_flags(old) & _PAGE_PRESENT)
		vml_flush_tlb_page(pt, addr);
	return old;
}

/*
 * No flush, as on x86 ptep_clear_flush_young(): a stale TLB entry only
 * delays the next Accessed bit, and every window starts with an empty TLB
 * for the sandbox anyway.
 */
bool vml_ptep_test_and_clear_young(struct vml_pgtable *pt, unsigned long addr,
				   pte_t *ptep)
{
	return test_and_clear_bit(_PAGE_BIT_ACCESSED, (unsigned long *)&ptep->pte);
}

void vml_ptep_set_wrprotect(struct vml_pgtable *pt, unsigned long addr,
			    pte_t *ptep)
{
	clear_bit(_PAGE_BIT_RW, (unsigned long *)&ptep->pte);
	vml_flush_tlb_page(pt, addr);
}
