"""Pages: the macros editors call, rendering a page in the sandbox, charts, HTML, figure and link lint, word
counts, theme fields, print-page anchors, drafts and editor notes, and the whole-project check.

It may import :mod:`macros.core`, Jinja2 and MarkupSafe; never MkDocs, Material or mkdocs-macros (what a page
is does not depend on which site generator builds it; ``tests/test_layers.py`` holds it to that).
"""
