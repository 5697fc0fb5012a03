"""Test kit for the website tests.

- ``tests.support.server``: ``serve_directory(path)`` – serve a built site on 127.0.0.1.
- ``tests.support.browser``: Debian Chromium via Playwright – ``browser`` fixture,
  ``new_page`` (blocks/records foreign requests), ``run_axe``, ``tab_through``,
  ``has_horizontal_scroll``.
- ``tests.support.htmlcheck``: ``run_vnu`` (Nu HTML Checker) and ``parse_html``
  (independent stdlib HTML reader).

Submodules are imported explicitly so tests that need no browser never import
Playwright.
"""
