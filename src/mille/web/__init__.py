"""``mille serve``: a local, read-only dashboard over the same results as the CLI.

:func:`mille.web.app.create_app` builds the ASGI application; every page also answers as JSON.
"""
