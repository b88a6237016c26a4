# -*- coding: utf-8 -*-
"""Controller-side: the results document and what is rendered from it."""
