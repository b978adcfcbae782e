"""Showcase: turns case-study files and toolkit chapters into a static site.

The core (everything here except ``plugin``) never imports MkDocs, so the same
model, checks and page sources can feed another builder when MkDocs 1.x and
Material for MkDocs reach the end of their lives.
"""
