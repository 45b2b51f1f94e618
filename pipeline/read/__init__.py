"""Reading files into a :class:`~pipeline.core.models.Source`: text encodings, PDFs (with the
page-1 header read by column), OCR of scans and its repair. Knows nothing of extraction.
"""
