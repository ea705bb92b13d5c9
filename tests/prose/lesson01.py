"""The numbers lesson 1's prose quotes (see tests/prose/__init__.py)."""

from tests.prose import Claim

CLAIMS = [
]

SETTINGS = [  # not yet sorted into claims and settings
    '0.014', '0.015', '0.02', '0.12', '0.25', '0.5', '24.5', '7.2',
]
