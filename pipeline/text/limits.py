"""Bounds that keep one enormous line from costing more than a paragraph.

A header field or a signer's line is far shorter than ``LINE_MAX`` characters; a longer line
is body text (or a broken file), read only up to this many characters — the header from its
start, the signature block from its end."""

LINE_MAX = 1000
