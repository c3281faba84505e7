"""Handbook generator: Markdown pages and YAML data in, a checked handbook site out.

The layers, lowest first: :mod:`macros.core` (data), :mod:`macros.pages` (what a page is),
:mod:`macros.editorial` (the editors' workflow), :mod:`macros.publish` (the intranet release) and
:mod:`macros.site` (the MkDocs front end, the only layer that imports MkDocs). mkdocs-macros loads this
package (``module_name: macros``) and calls :func:`define_env`, which hands over to :mod:`macros.site.glue`.
"""


def define_env(env):  # noqa: ANN001 — the mkdocs-macros plugin object
    """mkdocs-macros entry point; the import stays inside so the core never loads MkDocs."""
    from .site.glue import define_env as _define_env

    _define_env(env)


def on_pre_page_macros(env):  # noqa: ANN001
    from .site.glue import on_pre_page_macros as _hook

    _hook(env)


def on_post_build(env):  # noqa: ANN001
    from .site.glue import on_post_build as _hook

    _hook(env)
