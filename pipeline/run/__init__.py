"""Running the extractors: one document end to end (extract), the batch with its cache, time
budget and worker processes (build), and the runners that spread it.
"""
