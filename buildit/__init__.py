"""Build micrograd yourself: the steps of the track, their reference solutions, and the checks.

    python -m buildit list                     # the steps, in the lecture's order
    python -m buildit starter STEP             # print the code a step starts from
    python -m buildit check STEP FILE          # check your code for a step

`checks.py` is pure Python (standard library only): the page's Check button runs the same file
in the browser.
"""
from .checks import Result, check
from .steps import STEPS, get, solution, starter

__all__ = ["STEPS", "Result", "check", "get", "solution", "starter"]
