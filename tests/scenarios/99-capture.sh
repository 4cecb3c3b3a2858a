. ./lib.sh
D=$VMLAB_DBG
echo "@@CAP help"; vmlabctl help
echo "@@CAP version"; vmlabctl version
m=$(vmlabctl mm_create | sed -n 's/.*mm=\([0-9]*\).*/\1/p')
vmlabctl mmap $m 0x10000000 1M rw private,anon,fixed
vmlabctl touch $m 0x10000000 64K w
vmlabctl cache_create demo 100
vmlabctl cache_alloc demo
vmlabctl swapon ram:1M
echo "@@CAP find"; find $D | sort
for f in $(find $D -type f | sort); do case $f in */ctl|*selftest*) continue;; esac; echo "@@CAP file $f"; cat $f | head -60; done
for c in "check" "smaps_rollup $m" "rmap $m 0x10000000" "cache_info demo" "kmalloc 100" "alloc_pages 2" "vmalloc 8K" "fork $m" "lru_policy" "fail slab off" "mmu_selftest 10" "swap_selftest 4" "read $m 0x10000000 16" "touch $m 0x10000000 8K r" "msync $m 0x10000000 4096" "drop_caches" "page_unmap $m 0x10000000" "mprotect $m 0x10000000 4K r" "madvise $m 0x10000000 4K cold" "brk $m 0x20000000" "mm_setlimit $m map_count 100" "bogus"; do echo "@@CAP cmd $c"; vmlabctl $c; echo "@@rc $?"; done
vmlabctl swapoff ram:1M
ok capture
done_testing
