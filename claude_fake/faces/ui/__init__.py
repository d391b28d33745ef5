"""The traffic page: ``GET /_fake/ui`` (a static page with its script and style, no build step),
the live feed it reads, ``GET /_fake/events`` (server-sent events), and one request in full,
``GET /_fake/requests/ID``. The page and its files hold no data and are open; the feed and the
requests need the key when the server has one (``session``)."""
