"""Writing and reading the database: rows from extractions, publishing (SQLite), the citation
graph and its measures, chains, legal status, and the analyses behind the notebooks.
"""
