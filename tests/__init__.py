# Makes `tests` a package so tests/test_docs.py is collected as tests.test_docs and does not
# clash with same-named modules in folders without an __init__.py (e.g. tests/demo/test_docs.py).
