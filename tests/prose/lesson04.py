"""The numbers lesson 4's prose quotes (see tests/prose/__init__.py)."""

from tests.prose import Claim

CLAIMS = [
]

SETTINGS = [  # not yet sorted into claims and settings
    '0.014', '10%', '7.0',
]
