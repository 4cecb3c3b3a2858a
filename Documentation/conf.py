# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration for `make htmldocs` (scripts/htmldocs.sh).
#
# The kernel-doc directive is the kernel's own extension and script, used
# from Debian's linux-source-6.1 where scripts/htmldocs.sh finds it
# (VMLAB_KSRC); nothing of it is copied here.
import os
import sys

ksrc = os.environ.get('VMLAB_KSRC')
if not ksrc:
    sys.exit('conf.py: VMLAB_KSRC is not set; build with make htmldocs')
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'vmlab'
copyright = 'the vmlab authors; GPL-2.0'
master_doc = 'index'
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
kerneldoc_verbosity = 1
exclude_patterns = ['_build']
primary_domain = 'c'
highlight_language = 'none'
html_theme = 'classic'

# Attributes Sphinx's C parser does not know (as the kernel's conf.py).
c_id_attributes = ['__must_check', '__always_inline', 'noinline',
                   '__printf', '__cold', '__init', '__exit', 'notrace']
