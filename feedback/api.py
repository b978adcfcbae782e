"""The receiver's submissions API as both its ends know it: the receiver serves it and the
collector's receiver source reads it, so the numbers they must agree on live here, once."""
from __future__ import annotations

API_MAX_LIMIT = 500  # the most submissions one GET /api/submissions answer holds
