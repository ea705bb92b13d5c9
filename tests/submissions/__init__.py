"""Answers to the exercises written as students might: right in another style, or wrong."""
