"""Helpers the tests share that are neither fixtures nor factories: HTML queries, the clock, subprocesses,
a BPMN writer. Plain modules, imported by tests; no test module imports another test module."""
