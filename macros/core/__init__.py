"""The data core: model, errors, safe YAML loading, schemas, cross-checks, target status, Vietnamese formats and
collation, the check cache.

Pure Python over ``data/``: it may import the standard library, PyYAML, Babel and jsonschema, and nothing of
this package outside ``core``. It never imports MkDocs, Material, mkdocs-macros or Jinja, so another front end
(Zensical, a command line, a report writer) can stand on it unchanged (``tests/test_layers.py`` holds it to that).
"""
