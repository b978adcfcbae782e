"""Source adapters: each pulls responses from one place where forms are sent
and yields them as ``Page``s of normalised ``FeedbackResponse``s.

Start from ``config``: ``load_sources(path)`` reads and checks sources.yml,
``build_source(config, choices, http_options)`` makes the adapter. Then, for
each source, save page by page so a crash loses at most one page::

    for page in source.pages(store.cursor(source.name)):
        store.save_page(source.name, page.responses, page.cursor)

Every failure is a ``base.SourceError`` whose message names the source and
what to check; report it and go on with the other sources.

Modules: ``base`` (what a source is), ``http`` (the one HTTP client, with
timeouts, retries, rate-limit manners and limits on size, time and
redirects, helped by ``body``, ``deadline`` and ``jsondata``), ``normalise`` (values to our
vocabulary), ``web`` (what web sources share), one module per type
(``receiver``, ``netlify``, ``formspree``, ``tally``, ``file``), ``config``.
"""
