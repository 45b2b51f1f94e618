"""The bottom layer: the document model (sources, normalised text, spans, sections, the
extraction) and document identity. Imports nothing of the project.
"""
