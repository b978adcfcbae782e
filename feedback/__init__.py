"""Feedback: the form's fields, the receiver that stores what readers send,
and (later) the collector that publishes aggregated, redacted results.

Nothing here imports MkDocs.
"""
