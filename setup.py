"""Build hook: the JSON Schemas ship inside the package.

The schemas live in schemas/ at the top of the repository, where volunteers'
editors find them (``$schema=../../schemas/offer.schema.json``). A built wheel
carries a copy in ``nahbei/schemas/``, where ``nahbei.model.schemas.default_schema_dir``
looks first. An editable install (``make setup``) reads schemas/ in the checkout.
Everything else about the project is in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SCHEMAS = Path(__file__).resolve().parent / "schemas"


class BuildPyWithSchemas(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # the checkout's schemas/ is found as it is
            return
        target = Path(self.build_lib, "nahbei", "schemas")
        self.mkpath(str(target))
        for schema in sorted(SCHEMAS.glob("*.schema.json")):
            self.copy_file(str(schema), str(target / schema.name))


setup(cmdclass={"build_py": BuildPyWithSchemas})
