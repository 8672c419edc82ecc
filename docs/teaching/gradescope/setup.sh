#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image (Ubuntu), from /autograder/source,
# where it has unpacked the autograder's zip: this file, run_autograder, and the folder buildit/
# copied from the site's repository. The checks need Python 3.10 or newer and nothing else.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3
python3 -c 'import sys; assert sys.version_info >= (3, 10), sys.version'
