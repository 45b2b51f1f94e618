"""Normalisation: raw pages → one logical line per heading, paragraph or item, with a map back
to the source pages; web-crawl furniture and page furniture set apart.
"""
