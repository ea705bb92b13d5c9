"""The numbers lesson 2's prose quotes (see tests/prose/__init__.py)."""

from tests.prose import Claim

CLAIMS = [
]

SETTINGS = [  # not yet sorted into claims and settings
    '0.2', '0.5', '4.3',
]
