"""The ``showcase`` command, assembled above the generator and the feedback side."""
