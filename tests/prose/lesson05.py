"""The numbers lesson 5's prose quotes (see tests/prose/__init__.py)."""

from tests.prose import Claim

CLAIMS = [
]

SETTINGS = [  # not yet sorted into claims and settings
    '0.0139', '0.014',
]
