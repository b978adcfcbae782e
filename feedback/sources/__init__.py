"""Source adapters: each pulls responses from one place where forms are sent
and yields them as ``Page``s of normalised ``FeedbackResponse``s.

Start from ``config``: ``load_sources(path)`` reads sources.yml and checks
each entry once into its type's settings class (``settings``), and
``build_source(config, choices, http_options)`` makes the adapter from them. Then, for
each source, save page by page so a crash loses at most one page::

    for page in source.pages(store.cursor(source.name)):
        store.save_page(source.name, page.responses, page.cursor)

Every failure is a ``base.SourceError``, printed like a Problem: the source
and what is wrong, then what to check; report it and go on with the others.

Modules: ``base`` (what a source is), ``http`` (the one HTTP client, with
timeouts, retries, rate-limit manners and limits on size, time and
redirects, helped by ``body``, ``deadline`` and ``jsondata``), ``normalise`` (values to our
vocabulary), ``web`` (what web sources share), one module per type
(``receiver``, ``netlify``, ``formspree``, ``tally``, ``file``), ``settings``
(what each type takes, checked once) and ``config`` (sources.yml).
"""
