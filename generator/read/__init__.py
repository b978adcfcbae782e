"""Reading: files on disk become model objects plus problems.

Each module reads one kind of file. Nothing after this stage opens a file.
"""
