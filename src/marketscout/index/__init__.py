"""A composite-indicator engine with COINr 1.1 semantics: pure functions on arrays and frames.

Public entry points: `framework_from_meta`, `Recipe`, `build_index` (see docs/index-engine.md).
"""
