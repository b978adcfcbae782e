"""The review desk: ``showcase feedback desk``, the whole review step in a browser.

The desk is a small Flask app on 127.0.0.1 for one reviewer. It shows what
``showcase feedback review`` shows (redacted text, never an email address or an
organisation), takes decisions through ``feedback.moderate`` and
``feedback.erase``, previews what the next publish would put on the site with
the aggregation publish uses, and publishes with ``feedback.publish``: every
write goes through the store's own code, so its guarantees hold.

* ``guard``: who may use it (loopback, or a token) and CSRF on every post;
* ``decisions``: approve, reject and forget, one or several, and undo;
* ``site``: the preview and the publish button, from the site's own pages;
* ``app``: the pages; ``run``: the command that serves it.
"""
