"""``showcase import``: Word good-practice documents turned into draft case files.

One job per module, in the order a document goes through them:
``guard`` (is it a safe .docx?), ``ole`` (what an old or protected file is),
``read`` (mammoth's HTML, the properties, headers and footers), ``html_markdown``
(that HTML as Markdown blocks), ``furniture`` (template lines left out),
``headings`` (headings matched to the configured sections), ``arrange`` (front
matter and sections), ``terms`` (suggested taxonomy terms), ``write`` (the case
file and its images) and ``report`` (what the author reads). ``command`` runs them
for each document, and ``run`` is the ``showcase import`` command itself.
"""
