"""The MkDocs front end: the mkdocs-macros glue and the MkDocs hooks file.

The only modules of the package that import MkDocs or mkdocs-macros. They may import everything below them
(:mod:`macros.core`, :mod:`macros.pages`) and stay thin: a site generator's events in, the core's results out.
"""
