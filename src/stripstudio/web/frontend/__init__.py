"""The browser studio, served from the package (built assets in ``dist/``)."""
