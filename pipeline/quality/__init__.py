"""Measuring quality against gold: the scoring rules, ``vanban eval`` and the PDF renderer that
lets the PDF path be scored from a text.
"""
