"""The HTTP interface: a JSON API over the library facade (``api``), the web pages beside it
(``storyline.interfaces.web``), and the server that runs both (``server``)."""
