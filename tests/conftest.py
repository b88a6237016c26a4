# -*- coding: utf-8 -*-
"""Make the project importable in tests: ``import fep.cpu`` and ``tests.builders``."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(REPO, "module_utils"), REPO):
    if path not in sys.path:
        sys.path.insert(0, path)
