"""The coach's view: a local web app (FastAPI + a plain static page) over the comparison pipeline."""

from actiondiff.web.app import create_app

__all__ = ["create_app"]
