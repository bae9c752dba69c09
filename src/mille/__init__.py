"""mille: paid-media numbers B2B teams can trust.

The library is the product; the ``mille`` command and ``mille serve`` are thin shells over the
public functions of :mod:`mille.sources`, :mod:`mille.metrics` and :mod:`mille.analysis`.
"""

__version__ = "0.1.0"
