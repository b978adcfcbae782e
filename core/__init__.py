"""What the generator and the feedback side both stand on.

The project and its settings, the taxonomy, author problems and suggestions,
slugs, YAML read with line numbers, the feedback form's fields and choices, and
the published-feedback format. Nothing here imports ``generator`` or
``feedback``: both import this, so neither needs the other.
"""
