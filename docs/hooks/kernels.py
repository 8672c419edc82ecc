"""Notebook kernels start without a warning: their sockets are encrypted.

ipykernel (7.4 here) logs a warning every time a kernel starts, "[IPKernelApp] WARNING | Kernel is
running over TCP without encryption ...", unless the kernel manager gives it CurveZMQ keys.
jupyter_client (8.9 and later) does when `KernelManager.transport_encryption` is "auto" and the
kernel's spec says it supports "curve" (ipykernel's does). mkdocs-jupyter's nbconvert application
reads the usual Jupyter config files, so this hook puts docs/hooks/jupyter/, which holds
jupyter_nbconvert_config.json with that setting, first on JUPYTER_CONFIG_PATH. Without it every
notebook executed by the build (all of them on the first build and after an engine edit) printed
that warning into the log of `./scripts/serve`. A pyzmq built without CurveZMQ (PyPI's wheels have
it) would make jupyter_client refuse the setting, so there the hook does nothing and the warning
stays.
"""
import os
from pathlib import Path

import zmq

CONFIG = Path(__file__).resolve().parent / "jupyter"


def on_config(config):
    if not zmq.has("curve"):
        return config
    paths = os.environ.get("JUPYTER_CONFIG_PATH", "")
    if str(CONFIG) not in paths.split(os.pathsep):
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(CONFIG), paths]))
    return config
