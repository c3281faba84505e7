"""The editors' workflow around the report: the comments register, comparing drafts, spreadsheet intake and the
scaffold of a new committee's handbook.

It may import :mod:`macros.core` and :mod:`macros.pages`; never MkDocs or mkdocs-macros.
"""
