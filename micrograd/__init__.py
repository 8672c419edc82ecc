"""micrograd, spelled out: a scalar autograd engine and a tiny neural-net library."""
from micrograd.engine import Value
from micrograd.nn import MLP, Layer, Module, Neuron
from micrograd.viz import draw_dot, trace

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "draw_dot", "trace"]
__version__ = "0.1.0"
