"""Browsing: Datasette serving, its plugin, templates, static assets and table descriptions.
"""
