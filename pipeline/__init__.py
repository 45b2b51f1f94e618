"""vanban: Vietnamese administrative documents → citation and responsibility graph.

Layers, each importing only those below it (checked by the import-linter contract in
pyproject.toml): ``cli`` → ``web`` · ``quality`` → ``run`` → ``store`` → ``extractors``
(a package beside this one) → ``text`` → ``read`` → ``gazetteer`` (beside) → ``core``.
"""

__version__ = "0.1.0"
