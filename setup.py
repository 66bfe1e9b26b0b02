from pathlib import Path

from setuptools import find_packages, setup

README = Path(__file__).with_name("README.md")
POSTGRES = ["psycopg[binary]>=3.1", "psycopg_pool>=3.2"]

setup(
    name="minikoa",
    version="0.1.0",
    description="Strapi's back-end customization model as a small, fast Python WSGI framework",
    long_description=README.read_text(encoding="utf-8") if README.exists() else "",
    long_description_content_type="text/markdown",
    packages=find_packages(include=["minikoa", "minikoa.*"]),
    python_requires=">=3.10",
    install_requires=[
        "werkzeug>=3.1",
        "sqlite-utils>=4.0",
        "requests>=2.32",
        "idna>=3.4",
        "PyJWT>=2.8",
        "argon2-cffi>=23.1",
        "gunicorn>=23",
        "Pillow>=10.3",
        "brotli>=1.1",
    ],
    extras_require={
        # PostgreSQL (config/database.py's client "postgres"): psycopg 3 and its pool.
        "postgres": POSTGRES,
        "test": [*POSTGRES, "pytest>=8.0", "hypothesis>=6.100", "import-linter>=2.1", "openapi-spec-validator>=0.7",
                 "schemathesis>=4.0"],
        "bench": ["falcon>=4.0", "flask>=3.0"],
        "lint": [*POSTGRES, "ruff>=0.6", "mypy>=1.10", "import-linter>=2.1", "types-requests>=2.32"],
    },
    entry_points={"console_scripts": ["minikoa = minikoa.cli:main"], "pytest11": ["minikoa = minikoa.testing"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Internet :: WWW/HTTP :: WSGI :: Application",
    ],
)
