"""factory_boy factories, one module per building block: ``agencies``, ``identity``, ``catalog``.

Defaults are plain and fixed; codes come from sequences. A test that depends on a value passes it.
"""
