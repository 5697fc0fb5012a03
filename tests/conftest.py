"""Fixtures every test module can use without importing them."""

# the session-wide Chromium (``browser``) and its helpers' fixtures
pytest_plugins = ["tests.support.browser"]
