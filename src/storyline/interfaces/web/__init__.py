"""The web pages: templates and static files ship inside the package (``pip install .``)."""
