"""`python -m buildit check STEP FILE`: check your code for one step of the track.
`python -m buildit grade FILE`: check it for every step it reaches (buildit/report.py says which).
`--format json|junit|gradescope` prints results a grading system reads (buildit/report.py).

Exit status: 0 when every check passes, 1 when one fails, 2 for a wrong command.
"""
import argparse
import sys
from pathlib import Path

from . import report
from .checks import check
from .steps import STEPS, get, starter


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m buildit",
        description="Build micrograd yourself: check your code for a step of the track.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the steps, in the lecture's order")
    p = sub.add_parser("starter", help="print the code a step starts from")
    p.add_argument("step")
    p = sub.add_parser("check", help="check FILE against the checks of STEP")
    p.add_argument("step")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=report.FORMATS, default="text")
    p = sub.add_parser("grade", help="check FILE for every step it reaches, from the first")
    p.add_argument("file", type=Path)
    p.add_argument("--upto", metavar="STEP", help="the assignment's last step (default: the last)")
    p.add_argument("--format", choices=report.FORMATS, default="text")
    args = parser.parse_args(argv)

    if args.command == "list":
        for i, s in enumerate(STEPS, start=1):
            print(f"{i:2}. {s.id:<11} {s.title} — {s.goal}")
        return 0
    try:
        steps = report.grade_steps(args.upto) if args.command == "grade" else [get(args.step).id]
    except LookupError as e:
        parser.error(str(e))
    if args.command == "starter":
        sys.stdout.write(starter(args.step))
        return 0
    try:
        source = args.file.read_text(encoding="utf-8")
    except OSError as e:
        parser.error(f"cannot read {args.file}: {e.strerror}")
    if args.command == "grade" or args.format != "text":
        results = report.results(args.command, steps, source, str(args.file))
        print(report.render(results, args.format))
        return 0 if results["passed"] else 1
    result = check(args.step, source, filename=str(args.file))
    if result.output:
        print("Your code printed:\n" + result.output.rstrip("\n") + "\n")
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
