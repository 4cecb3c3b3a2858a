# SPDX-License-Identifier: GPL-2.0
#
# make                 build vmlab.ko here against KDIR
# make FLAVOR=kunit OUT=build/kunit   build a flavour in a shadow tree
# make install         build, then modules_install and depmod
# make tools           build tools/vmlabctl (static)
# make run             boot a guest with vmlab loaded and show it working
#                      (RUN="--kernel test -- arena_mb=256")
# make shell           the same, then an interactive shell in the guest
# make check           every test: both kernels, 4- and 5-level paging
# make check-full      the whole matrix (-smp 1 and 4, every paging x PTI)
# make bench           the benchmark table, stock kernel, wall clock
#                      (BENCH="--kernel test -- only=slab"); ICOUNT=1 counts
#                      instructions instead (QEMU -icount, one vCPU)
# make bench-doc       rerun both and regenerate Documentation/benchmarks.rst's table
# make bench-scale     the scaling curves (arena size, VMA count), icount
# make counters        vmlab's counters sampled over a workload (CSV)
# make bench-plots     PNGs from build/bench/*.csv into Documentation/images/
# make difftest        the randomized differential test (SEEDS=1-500 STEPS=1000)
# make fuzz            the grammar fuzzer alone, for FUZZ_SECONDS (default 1800)
#                      on the debug kernel (FUZZ_KERNELS="debug test stock")
# make checkpatch      checkpatch.pl --strict over the sources
# make htmldocs        Documentation/ as HTML in build/htmldocs, with every
#                      header's kernel-doc (Sphinx + the kernel's kernel-doc)

KDIR ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then \
	echo /lib/modules/$$(uname -r)/build; else tests/harness/test-kernel.sh --print-dir; fi)
FLAVOR ?= main
OUT ?=
W ?= 1

ifeq ($(OUT),)
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) VMLAB_FLAVOR=$(FLAVOR) W=$(W) modules
else
modules:
	scripts/shadow-build.sh $(OUT)
	$(MAKE) -C $(KDIR) M=$(abspath $(OUT)) VMLAB_FLAVOR=$(FLAVOR) W=$(W) modules
endif

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf build
	$(MAKE) -C tools clean

# Into /lib/modules/<release>/extra (INSTALL_MOD_PATH=<dir>: under <dir>).
# depmod here: Debian's headers have no System.map, so modules_install skips
# it; the release is the module's own (KDIR's `make kernelrelease` is wrong
# for Debian's headers).
MODDIR = $(if $(OUT),$(abspath $(OUT)),$(CURDIR))
install: modules
	$(MAKE) -C $(KDIR) M=$(MODDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a \
		$$(modinfo -F vermagic $$(ls $(MODDIR)/*.ko | head -n 1) | cut -d' ' -f1)

tools:
	$(MAKE) -C tools

run:
	tests/harness/run.sh $(RUN)

shell:
	tests/harness/run.sh --shell $(RUN)

check:
	tests/harness/check.sh

# The whole matrix: test and debug kernels at every paging x PTI pair, the
# stock kernel as in make check, each guest at -smp 1 and -smp 4, the
# fuzzer for 5 minutes and the SMP stress for 4 x 20,000 operations (4 x
# 5,000 with reclaim and swap) in each
# (hours under TCG; not for CI).
check-full:
	VMLAB_FULL=1 VMLAB_BUDGET=$${VMLAB_BUDGET:-28800} \
	VMLAB_GUEST_ARGS="vmltest.fuzz=0 vmltest.fuzz_time=300 vmltest.stress_ops=20000 vmltest.stress_swap_ops=5000 $${VMLAB_GUEST_ARGS:-}" \
		tests/harness/check.sh

bench:
	tests/harness/bench.sh $(if $(filter 1,$(ICOUNT)),--icount) $(BENCH)

bench-doc:
	tests/harness/bench-doc.sh

bench-scale:
	tests/harness/bench-scale.sh

counters:
	tests/harness/counters.sh

BB = build/bench
bench-plots:
	python3 tests/harness/bench-plot.py Documentation/images --wall $(BB)/stock-wall.csv \
		--icount $(BB)/stock-icount.csv --arena $(BB)/scale-arena.csv \
		--vmas $(BB)/scale-vmas.csv --counters $(BB)/counters.csv

# The randomized differential test alone, on the stock kernel:
#   make difftest SEEDS=1-500 [STEPS=1000]
SEEDS ?= 1-50
STEPS ?= 1000
difftest:
	VMLAB_KERNELS=stock VMLAB_PAGING=$${VMLAB_PAGING:-5} VMLAB_PTI=$${VMLAB_PTI:-on} \
	VMLAB_CHECKPATCH=0 VMLAB_SCENARIOS=53 VMLAB_SEEDS="$(SEEDS)" VMLAB_STEPS=$(STEPS) \
	VMLAB_SCENARIO_TIMEOUT=$${VMLAB_SCENARIO_TIMEOUT:-7200} VMLAB_TIMEOUT=$${VMLAB_TIMEOUT:-7500} \
	VMLAB_BUDGET=$${VMLAB_BUDGET:-8000} \
		tests/harness/check.sh

FUZZ_SECONDS ?= 1800
FUZZ_KERNELS ?= debug
fuzz:
	VMLAB_SCENARIOS=70 VMLAB_KERNELS="$(FUZZ_KERNELS)" VMLAB_PAGING=5 VMLAB_PTI=on \
	VMLAB_CHECKPATCH=0 VMLAB_GUEST_ARGS="vmltest.fuzz=0 vmltest.fuzz_time=$(FUZZ_SECONDS)" \
	VMLAB_SCENARIO_TIMEOUT=$$(($(FUZZ_SECONDS) + 600)) VMLAB_TIMEOUT=$$(($(FUZZ_SECONDS) + 1500)) \
	VMLAB_BUDGET=$$(($(FUZZ_SECONDS) * 3 + 4500)) tests/harness/check.sh

checkpatch:
	scripts/checkpatch.sh

htmldocs:
	scripts/htmldocs.sh

.PHONY: modules clean install tools run shell check check-full bench bench-doc bench-scale counters bench-plots fuzz checkpatch difftest htmldocs
