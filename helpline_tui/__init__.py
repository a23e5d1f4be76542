"""helpline: offline referral lookup for drug and mental-health helplines.

Kept free of UI imports so the CLI and core stay fast and Textual-free.
"""

__version__ = "0.1.0"
