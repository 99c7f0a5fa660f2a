"""Package layout: the core in mpcheck/, built-in topic plugins in plugins/, question banks in problems/.

pyproject.toml holds the metadata; this file only maps the three folders to importable packages,
which setuptools' declarative `find` cannot express for a data folder such as problems/.
"""

from setuptools import find_packages, setup

core = find_packages(".", include=["mpcheck", "mpcheck.*"])
plugins = find_packages("plugins", include=["mpcheck_*"])

setup(
    packages=[*core, *plugins, "mpcheck_problems"],
    package_dir={
        "mpcheck_problems": "problems",
        **{name: "plugins/" + name.replace(".", "/") for name in plugins},
    },
)
