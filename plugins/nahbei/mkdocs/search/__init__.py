"""``nahbei/search``: full-text search and filters with Pagefind.

- :mod:`.records` – what Pagefind should know about each entry (filters,
  metadata, sort keys, keywords); no MkDocs import.
- :mod:`.markup` – turns a record into ``data-pagefind-*`` HTML and edits a
  rendered page (no MkDocs import).
- :mod:`.indexer` – hands pages to Pagefind's Python API (package ``pagefind``)
  while they are written; the bundle at the end.
- :mod:`.plugin` – the MkDocs adapter.
"""
