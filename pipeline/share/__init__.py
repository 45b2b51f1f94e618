"""Sharing outside Datasette: graph files for Gephi (GraphML, GEXF, JSON), the spaCy
component that puts extractions on a ``Doc``, and DocBins for training.
"""
