# -*- coding: utf-8 -*-
"""Make the project importable in tests: ``import fep.cpu``, ``tests.builders`` and the
collection's own imports (``ansible_collections.fepkit.fep…``, through collections/)."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(REPO, "plugins", "module_utils"), os.path.join(REPO, "collections"), REPO):
    if path not in sys.path:
        sys.path.insert(0, path)
