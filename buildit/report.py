"""Results a grading system can read: what `check` and `grade` print with `--format`.

    python -m buildit check STEP FILE [--format text|json|junit|gradescope]
    python -m buildit grade FILE [--upto STEP] [--format text|json|junit|gradescope]

`check` runs one step's checks (the carried checks of the steps before it, then its own), as the
page's Check button does.

`grade` checks the file for every step of the assignment (the whole track, or the steps up to
`--upto STEP`) and reports, step by step, each step's *own* checks (a carried check counts once,
in the step that introduced it). The file *reaches* every step up to the first one it fails, that
one included (the step being worked on, reported with its failure); the steps after it are *not
reached*: listed, with their checks as not run, so that an assignment's list of checks, and its
maximum score, is the same for every submission. One exception: a one-off check (not carried
forward: step 5's `backprop_neuron`, step 6's neuron called by hand) counts as passed once the file
passes a check of a later step of the track (inside the assignment or past it), whose code replaces
it: the finished track's code no longer has step 5's function, and still gets every point. `grade`
exits 0 only when every step of the assignment passes, so `grade FILE --upto STEP` says whether the
file has reached STEP: one test per step in a course's autograder.

The formats, all built from one report (a dict, `results(...)`):

- `text`: the lines the command always printed (`check`), or those of every step reached (`grade`).
- `json`: that dict, as JSON; buildit/results.schema.json is its schema. Per check: its name,
  `passed`, `status` (passed, failed, not run), the message, and `line`, the line of the reader's
  file the failure points at when it points at one (an exception raised by the reader's code,
  a syntax error), else null.
- `junit`: JUnit XML, one <testsuite> per step, one <testcase> per check; a check not run is
  <skipped>. CI systems (GitHub Actions' test reporters, GitLab, Jenkins) display it.
- `gradescope`: the results.json of Gradescope's autograder specification: `tests`, each with
  `name`, `number`, `score`, `max_score` (1 per check), `status`, `output`, and the total `score`.

Exit status, in every format: 0 when every step run passes, 1 when one fails.
"""
import json
import re
import xml.etree.ElementTree as ET

from .checks import checks_for, check, CHECKS
from .steps import STEPS, get

FORMATS = ("text", "json", "junit", "gradescope")
SCHEMA_ID = "buildit-results/1"
LOADS = "your file runs"  # the pseudo-check ahead of the others: the file loads without an error
NOT_RUN = "not run: an earlier check failed"


def line_of(message, filename):
    """The line of the reader's file that a check's message points at (checks._where writes it as
    `(FILE, line N: ...)`, or `(line N: ...)` for `<your code>`), or None."""
    where = "" if filename == "<your code>" else re.escape(filename) + ", "
    m = re.search(r"\(" + where + r"line (\d+)(?::|\))", message)
    return int(m[1]) if m else None


def _entry(name, step_id, status, message, filename):
    return {"name": name, "step": step_id, "passed": status == "passed", "status": status,
            "message": message, "line": line_of(message, filename) if status == "failed" else None}


def _step_entries(step_id, result, listed, filename):
    """The entries of the checks `listed` (functions) from one `check()` result."""
    passed = set(result.passed)
    entries, failed_here = [], False
    for fn in listed:
        name = fn.__doc__
        if name in passed:
            entries.append(_entry(name, step_id, "passed", "", filename))
        elif not result.ok and name == result.failed and not failed_here:
            entries.append(_entry(name, step_id, "failed", result.message, filename))
            failed_here = True
        else:
            entries.append(_entry(name, step_id, "not run", NOT_RUN, filename))
    return entries, failed_here


def _loads_entry(step_id, result, filename):
    """The pseudo-check "your file runs": failed when the file raised before any check ran."""
    broke = not result.ok and not result.failed
    return _entry(LOADS, step_id, "failed" if broke else "passed", result.message if broke else "",
                  filename)


def _step_entry(step_id):
    s = get(step_id)
    return {"step": step_id, "number": [x.id for x in STEPS].index(step_id) + 1, "title": s.title,
            "status": "not reached", "passed": False, "message": "", "output": "", "report": "",
            "checks": []}


def results(command, steps, source, filename):
    """The report of `steps` (ids, in order) on `source`. `command` "check": one step, all its checks.
    `command` "grade": every step's own checks, the steps after the first one it fails not reached."""
    out = {"schema": SCHEMA_ID, "command": command, "file": filename, "passed": False, "steps": []}
    track = [s.id for s in STEPS]
    # grade looks at every step of the track: a file that has gone past the assignment's last step
    # (and replaced one of its one-off checks) still gets the assignment's points.
    runs = {step_id: check(step_id, source, filename=filename)
            for step_id in (track if command == "grade" else steps)}
    one_off = {fn.__doc__ for fns in CHECKS.values() for fn in fns if not fn.carried}
    replaced_by = {}  # step -> the later step whose code replaces its failing one-off check
    for step_id in steps:
        if command == "grade" and runs[step_id].failed in one_off:
            later = next((t for t in track[track.index(step_id) + 1:]
                          if any(fn.__doc__ in runs[t].passed for fn in CHECKS[t])), None)
            if later is not None:
                replaced_by[step_id] = later
    done = [runs[step_id].ok or step_id in replaced_by for step_id in steps]
    working = done.index(False) if False in done else len(steps)  # the step being worked on
    for i, step_id in enumerate(steps):
        entry, result = _step_entry(step_id), runs[step_id]
        out["steps"].append(entry)
        if i > working:
            entry["message"] = f"not reached: step '{steps[working]}' fails first"
            entry["checks"] = [_entry(fn.__doc__, step_id, "not run", entry["message"], filename)
                               for fn in CHECKS[step_id]]
            continue
        listed = checks_for(step_id) if command == "check" else CHECKS[step_id]
        checks, failed_here = _step_entries(step_id, result, listed, filename)
        if command == "check" or i == 0:
            checks.insert(0, _loads_entry(step_id, result, filename))
            failed_here = failed_here or checks[0]["status"] == "failed"
        if step_id in replaced_by:  # the one-off check failed and the checks after it did not run
            for c in checks:
                if c["status"] != "passed":
                    c.update(_entry(c["name"], step_id, "passed", f"replaced by step "
                                    f"'{replaced_by[step_id]}': a one-off check, not carried forward, "
                                    "which the later step's code replaces", filename))
        elif not result.ok and not failed_here:
            # The failing check is not listed (a carried check failed here though its own step
            # passed): never let a failure go unlisted, the step's first check carries it.
            checks[0].update(_entry(checks[0]["name"], step_id, "failed", result.message, filename))
        passed = done[i]
        entry.update(status="passed" if passed else "failed", passed=passed,
                     message="" if passed else result.message, output=result.output,
                     report=result.report(), checks=checks)
    out["passed"] = working == len(steps)
    every = [c for s in out["steps"] for c in s["checks"]]
    out["checks_passed"] = sum(c["passed"] for c in every)
    out["checks_total"] = len(every)
    out["steps_passed"] = sum(s["passed"] for s in out["steps"])
    out["steps_total"] = len(out["steps"])
    return out


def grade_steps(upto=None):
    """The step ids of an assignment that ends at `upto` (default: the whole track)."""
    ids = [s.id for s in STEPS]
    return ids[: ids.index(get(upto).id) + 1] if upto else ids


# --- The formats ---------------------------------------------------------------------------------

def as_text(report):
    if report["command"] == "check":  # what `check` has always printed
        s = report["steps"][0]
        printed = "Your code printed:\n" + s["output"].rstrip("\n") + "\n\n" if s["output"] else ""
        return printed + s["report"]
    parts, mark = [], {"passed": "✓", "failed": "✗", "not run": "·"}
    printed = next((s["output"] for s in report["steps"] if s["output"]), "")
    if printed:
        parts.append("Your code printed:\n" + printed.rstrip("\n") + "\n")
    for s in report["steps"]:
        if s["status"] == "not reached":
            continue
        parts.append(f"Step {s['number']} ({s['step']}): {s['title']}: {s['status']}")
        parts += [f"  {mark[c['status']]} " + (c["message"] if c["status"] == "failed" else
                                                c["name"] + (f" ({c['message']})" if c["message"] else ""))
                  for c in s["checks"]]
    rest = [s for s in report["steps"] if s["status"] == "not reached"]
    if rest:
        parts.append(f"Not reached: step{'s' if len(rest) > 1 else ''} "
                     f"{', '.join(s['step'] for s in rest)} ({rest[0]['message'].split(': ', 1)[1]}).")
    parts.append(f"{report['steps_passed']} of {report['steps_total']} steps pass "
                 f"({report['checks_passed']} of {report['checks_total']} checks).")
    return "\n".join(parts)


def as_json(report):
    return json.dumps(report, indent=2, ensure_ascii=False)


def as_junit(report):
    every = [c for s in report["steps"] for c in s["checks"]]
    root = ET.Element("testsuites", name=f"buildit {report['command']} {report['file']}",
                      tests=str(len(every)),
                      failures=str(sum(c["status"] == "failed" for c in every)),
                      skipped=str(sum(c["status"] == "not run" for c in every)), errors="0")
    for s in report["steps"]:
        checks = s["checks"]
        suite = ET.SubElement(root, "testsuite", name=f"step {s['number']}: {s['step']} ({s['title']})",
                              tests=str(len(checks)),
                              failures=str(sum(c["status"] == "failed" for c in checks)),
                              skipped=str(sum(c["status"] == "not run" for c in checks)), errors="0")
        for c in checks:
            case = ET.SubElement(suite, "testcase", name=c["name"], classname=f"buildit.{s['step']}",
                                 file=report["file"])
            if c["line"] is not None:
                case.set("line", str(c["line"]))
            if c["status"] == "failed":
                ET.SubElement(case, "failure", message=c["message"], type="CheckFailed").text = c["message"]
            elif c["status"] == "not run":
                ET.SubElement(case, "skipped", message=c["message"])
        if s["output"]:
            ET.SubElement(suite, "system-out").text = s["output"]
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def as_gradescope(report):
    tests = []
    for s in report["steps"]:
        for i, c in enumerate(s["checks"], start=1):
            points = 0 if c["name"] == LOADS else 1
            where = f" (line {c['line']})" if c["line"] is not None else ""
            tests.append({
                "name": f"Step {s['number']} ({s['step']}): {c['name']}",
                "number": f"{s['number']}.{i}",
                "score": points if c["passed"] else 0,
                "max_score": points,
                "status": "passed" if c["passed"] else "failed",
                "output": {"passed": c["message"] or "passed", "failed": c["message"] + where,
                           "not run": c["message"]}[c["status"]],
            })
    return json.dumps({
        "score": sum(t["score"] for t in tests),
        "output": as_text(report),
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }, indent=2, ensure_ascii=False)


RENDER = {"text": as_text, "json": as_json, "junit": as_junit, "gradescope": as_gradescope}


def render(report, fmt):
    return RENDER[fmt](report)
