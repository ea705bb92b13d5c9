"""The numbers lesson 3's prose quotes (see tests/prose/__init__.py)."""

from tests.prose import Claim

CLAIMS = [
]

SETTINGS = [  # not yet sorted into claims and settings
    '2.5',
]
