"""JSONPath over messages, one implementation for every use: reply rules and the log filter.

:mod:`~sockscope.core.jsonpath.values` parses messages and paths (jsonpath-ng, imported
only when a path is compiled); :mod:`~sockscope.core.jsonpath.predicate` is the test
``$.op == "ping"`` both rules and filters use.
"""
