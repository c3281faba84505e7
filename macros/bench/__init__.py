"""The benchmark (``make bench``): the pipeline against plain MkDocs + Material, generated reports of growing
size, and the reader's side in Chromium.

Not product code: it may import anything in the package and outside it; nothing of the product imports it.
"""
