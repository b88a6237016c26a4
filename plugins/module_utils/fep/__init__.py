# -*- coding: utf-8 -*-
"""fepkit: facts and checks for the hospital front-end server (前置服务器).

Everything in this package is standard-library Python 3.6+, because the
collector part runs on hospital servers that have nothing else installed.
"""

__version__ = "0.1.0"
