"""Handbook generator core: data model, loading, validation, status, formatting, rendering, checks.

The core imports nothing from MkDocs. mkdocs-macros loads this package (``module_name: macros``) and
calls :func:`define_env`, which hands over to the thin glue in :mod:`macros.mkdocs_glue`.
"""


def define_env(env):  # noqa: ANN001 — the mkdocs-macros plugin object
    """mkdocs-macros entry point; the import stays inside so the core never loads MkDocs."""
    from .mkdocs_glue import define_env as _define_env

    _define_env(env)


def on_pre_page_macros(env):  # noqa: ANN001
    from .mkdocs_glue import on_pre_page_macros as _hook

    _hook(env)


def on_post_build(env):  # noqa: ANN001
    from .mkdocs_glue import on_post_build as _hook

    _hook(env)
