"""Source adapters: each pulls responses from one place where forms are sent
and yields them as ``Page``s of normalised ``Response``s."""
