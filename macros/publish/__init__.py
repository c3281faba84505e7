"""Publishing to the intranet: releases and the atomic switch, checks of the built site (links, leaks, external
loads, CSP), the publish pipeline and the PDF print.

It may import :mod:`macros.core` and :mod:`macros.pages`; MkDocs runs only as a child process, never imported.
"""
