"""The ``stripstudio`` command line."""
